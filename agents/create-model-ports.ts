import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EffectiveConfig } from '../src/config/effective-config.js';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import { packageRoot } from '../src/package-info.js';
import { type ModelCall, ModelCallError, type ModelPorts } from '../src/runtime/model-ports.js';
import { printModeArgs, runClaudeCode } from './claude-code-run.js';
import { claudeEnvironment, claudeUsage, runClaudeCodeTask } from './claude-code-worker.js';
import { type CompleteText, classifyWith, reviewWith } from './cto-calls.js';
import { findClaudeExecutable } from './find-claude-executable.js';
import { chatOnce } from './openai-chat.js';
import { openAiClientFor } from './openai-client.js';
import { runToolLoop, type ToolRunner } from './openai-tools-worker.js';
import { createToolWorker } from './tools/tool-worker.js';
import { workerPrompt, workerSystemPrompt } from './worker-prompt.js';

export interface ModelPortsOptions {
  /** The current configuration, read at each call (so an edit applies to the next call). */
  config: () => EffectiveConfig;
  /** Where per-task Claude Code config dirs go (`<stateDir>/claude/<taskId>`). */
  stateDir: string;
  /** The working directory of tasks that name none. */
  cwd: string;
  /** The environment child processes start from (keys and tokens are removed). */
  env?: Record<string, string | undefined>;
  homeDir?: string;
  /** Replaces the built-in tool worker (tests). */
  toolWorker?: (root: string, model: ResolvedModel) => ToolRunner;
}

/**
 * The real transports behind the runtime's model port: Claude models through the Claude Code
 * CLI, tool-calling external models through the OpenAI SDK with the sandboxed tool worker,
 * text-only models through the SDK without tools. The CTO's classify and review work on any
 * kind of model.
 *
 * @example
 * const ports = createModelPorts({ config: () => source.current().config, stateDir: '.cto', cwd: process.cwd() });
 * const orchestrator = createOrchestrator({ ports, config: source });
 */
export function createModelPorts(options: ModelPortsOptions): ModelPorts {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();

  function workdir(call: ModelCall): string {
    const dir = resolve(options.cwd, call.task.workdir ?? '.');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ModelCallError(`the task's working directory ${dir} does not exist`, {
        transient: false,
      });
    }
    return dir;
  }

  /** The executable and environment of a Claude Code process for one task. */
  function claudeRun(model: ResolvedModel, taskId: string) {
    const settings = options.config().claude_code;
    const command = findClaudeExecutable({
      configured: settings.command,
      path: env.PATH,
      cwd: options.cwd,
      packageRoot: packageRoot(),
    });
    const configDir = join(options.stateDir, 'claude', taskId);
    return {
      settings,
      command,
      env: claudeEnvironment(model, env, configDir, home),
    };
  }

  const complete: CompleteText = async (model, system, conversation, signal) => {
    if (model.kind === 'claude-code') {
      // The CLI takes one prompt: a repair request is sent with the exchange before it.
      const prompt = conversation
        .map((m) =>
          conversation.length === 1 ? m.content : `<${m.role}>\n${m.content}\n</${m.role}>`,
        )
        .join('\n\n');
      const run = claudeRun(model, 'cto');
      const result = await runClaudeCode({
        command: run.command,
        args: [
          ...printModeArgs(prompt, model.model_id, 1),
          '--tools',
          '',
          '--system-prompt',
          system,
          '--no-session-persistence',
        ],
        cwd: options.stateDir,
        env: run.env,
        signal,
      });
      return { text: result.text, usage: claudeUsage(model, result) };
    }
    const { message, usage } = await chatOnce(
      openAiClientFor(model),
      model,
      [{ role: 'system', content: system }, ...conversation],
      { signal },
    );
    return { text: message.content ?? '', usage };
  };

  return {
    classify: (call) => classifyWith(complete, call),
    review: (call) => reviewWith(complete, call),
    async execute(call) {
      const { model } = call;
      const cwd = workdir(call);
      if (model.kind === 'claude-code') {
        const run = claudeRun(model, call.taskId);
        return runClaudeCodeTask({
          call,
          settings: {
            command: run.command,
            maxTurns: options.config().max_turns,
            allowedTools: run.settings.allowed_tools,
            permissionMode: run.settings.permission_mode ?? null,
          },
          cwd,
          env: run.env,
        });
      }
      if (model.kind === 'openai-tools') {
        const tools =
          options.toolWorker?.(cwd, model) ??
          createToolWorker({ root: cwd, modelId: model.id, homeDir: home, env });
        return runToolLoop({
          client: openAiClientFor(model),
          model,
          call,
          tools,
          maxTurns: options.config().max_turns,
        });
      }
      const { text, usage } = await complete(
        model,
        workerSystemPrompt,
        [{ role: 'user', content: workerPrompt(call) }],
        call.signal,
      );
      return { output: text, usage };
    },
  };
}
