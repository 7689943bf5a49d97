import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import { costOf } from '../src/runtime/call-model.js';
import {
  type ExecuteCall,
  type ExecuteResult,
  ModelCallError,
} from '../src/runtime/model-ports.js';
import { type ClaudeCodeResult, printModeArgs, runClaudeCode } from './claude-code-run.js';
import { workerPrompt, workerSystemPrompt } from './worker-prompt.js';

/** How the Claude Code CLI is run (the `claude_code` section of the config). */
export interface ClaudeCodeSettings {
  command: string;
  maxTurns: number;
  allowedTools: readonly string[];
  permissionMode: string | null;
}

const sessionEntry = z.object({ sessionId: z.string().min(1) });

/**
 * The environment of a Claude Code process: the orchestrator's environment without other
 * models' keys, plus this model's key and endpoint (when configured) and the task's own
 * `CLAUDE_CONFIG_DIR`, so that sessions of parallel tasks never collide. A user logged in to
 * Claude Code (no key configured) keeps that login: its credentials file is linked in.
 *
 * @example
 * claudeEnvironment(model, baseEnv, '.cto/claude/task-1', homedir());
 */
export function claudeEnvironment(
  model: ResolvedModel,
  base: Record<string, string | undefined>,
  configDir: string,
  home: string,
): Record<string, string | undefined> {
  mkdirSync(configDir, { recursive: true });
  const credentials = join(home, '.claude', '.credentials.json');
  const linked = join(configDir, '.credentials.json');
  if (!model.api_key && existsSync(credentials) && !existsSync(linked))
    symlinkSync(credentials, linked);
  return {
    ...base,
    CLAUDE_CONFIG_DIR: configDir,
    ...(model.api_key ? { ANTHROPIC_API_KEY: model.api_key.reveal() } : {}),
    ...(model.api_url ? { ANTHROPIC_BASE_URL: model.api_url } : {}),
  };
}

/** The reported usage of a CLI run, priced from the catalog; the CLI's own figure is journaled beside it. */
export function claudeUsage(model: ResolvedModel, result: ClaudeCodeResult) {
  const { inputTokens, outputTokens } = result.usage;
  return { inputTokens, outputTokens, costUsd: costOf(model, { inputTokens, outputTokens }) };
}

/**
 * Runs a task as a full Claude Code session in the task's working directory. The session id
 * is journaled as soon as the CLI announces it; a step resumed after a crash passes
 * `--resume <session id>`, so the session continues instead of starting over.
 *
 * @example
 * await runClaudeCodeTask({ call, settings, cwd: '/repo', env, configDir: '.cto/claude/t1' });
 */
export async function runClaudeCodeTask({
  call,
  settings,
  cwd,
  env,
}: {
  call: ExecuteCall;
  settings: ClaudeCodeSettings;
  cwd: string;
  env: Record<string, string | undefined>;
}): Promise<ExecuteResult> {
  const { model, journal } = call;
  const journaled = journal.entries.findLast((e) => e.kind === 'session');
  const parsed = journaled ? sessionEntry.safeParse(journaled.data) : null;
  if (parsed && !parsed.success) {
    throw new ModelCallError('the step journal has an unreadable session entry', {
      transient: false,
    });
  }
  const resumeId = parsed?.data.sessionId ?? null;
  const prompt = resumeId
    ? 'You were interrupted. Continue the task from where you stopped, then summarise what you did.'
    : workerPrompt(call);
  const args = [
    ...printModeArgs(prompt, model.model_id, settings.maxTurns),
    ...(resumeId ? ['--resume', resumeId] : ['--append-system-prompt', workerSystemPrompt]),
    ...(settings.allowedTools.length ? ['--allowedTools', settings.allowedTools.join(',')] : []),
    ...(settings.permissionMode ? ['--permission-mode', settings.permissionMode] : []),
  ];
  const result = await runClaudeCode({
    command: settings.command,
    args,
    cwd,
    env,
    signal: call.signal,
    onTool: (name, input) =>
      call.progress(`${name} ${input.length > 120 ? `${input.slice(0, 120)}…` : input}`),
    onSession: async (sessionId) => {
      if (sessionId !== resumeId) await journal.append('session', { sessionId });
    },
  });
  const usage = claudeUsage(model, result);
  await journal.append('result', {
    sessionId: result.sessionId,
    turns: result.turns,
    costUsd: usage.costUsd,
    cliCostUsd: result.cliCostUsd,
  });
  return { output: result.text, usage };
}
