import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TaskInput } from '../machines/task-types.js';
import type { EffectiveConfig } from '../src/config/effective-config.js';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import { packageRoot } from '../src/package-info.js';
import { type ModelCall, ModelCallError, type ModelPorts } from '../src/runtime/model-ports.js';
import { type ClaudeCodeResult, type ClaudeCodeRun, printModeArgs } from './claude-code-run.js';
import { claudeEnvironment, claudeUsage, runClaudeCodeTask } from './claude-code-worker.js';
import { type CompleteText, classifyWith, reviewWith } from './cto-calls.js';
import { findClaudeExecutable } from './find-claude-executable.js';
import { createModelConfinement, type ModelConfinement } from './model-confinement.js';
import { chatOnce } from './openai-chat.js';
import { openAiClientFor } from './openai-client.js';
import { runToolLoop, type ToolRunner } from './openai-tools-worker.js';
import { CLAUDE_CONFIG_INSIDE, runConfinedClaude } from './run-confined-claude.js';
import { TaskRootError } from './sandbox/task-root.js';
import { createToolWorker } from './tools/tool-worker.js';
import { workerPrompt, workerSystemPrompt } from './worker-prompt.js';

export interface ModelPortsOptions {
  /** The current configuration, read at each call (so an edit applies to the next call). */
  config: () => EffectiveConfig;
  /** Where per-task Claude Code config dirs go (`<stateDir>/claude/<taskId>`); hidden from tasks. */
  stateDir: string;
  /** The working directory of tasks that name none. */
  cwd: string;
  /** The orchestrator's environment: the source of the sandbox's allowlisted variables. */
  env?: Record<string, string | undefined>;
  homeDir?: string;
  /** Replaces the built-in tool worker (tests). */
  toolWorker?: (root: string, model: ResolvedModel) => ToolRunner;
  /** Replaces how processes are confined (tests); by default `createModelConfinement`. */
  confinement?: ModelConfinement;
  /** With no sandbox on the machine, run tools unconfined after a notice (`--simulate`). */
  unconfinedWithoutSandbox?: boolean;
  /** Hears one-line notices (a sandbox turned off, or missing under `--simulate`). */
  onNotice?: (line: string) => void;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The real transports behind the runtime's model port: Claude models through the Claude Code
 * CLI, tool-calling external models through the OpenAI SDK with the tool worker, text-only
 * models through the SDK without tools. The CTO's classify and review work on any kind of
 * model. Every process a model starts (commands, git, the CLI) runs in the sandbox.
 *
 * @example
 * const ports = createModelPorts({ config: () => source.current().config, stateDir: '.cto', cwd: process.cwd() });
 * const orchestrator = createOrchestrator({ ports, config: source });
 */
export function createModelPorts(options: ModelPortsOptions): ModelPorts {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();
  const confinement =
    options.confinement ??
    createModelConfinement({
      config: options.config,
      env,
      home,
      stateDir: options.stateDir,
      unconfinedWithoutSandbox: options.unconfinedWithoutSandbox,
      onNotice: options.onNotice,
    });

  function workdir(call: ModelCall): string {
    const dir = resolve(options.cwd, call.task.workdir ?? '.');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ModelCallError(`the task's working directory ${dir} does not exist`, {
        transient: false,
        infrastructure: true,
      });
    }
    return dir;
  }

  /** Runs the Claude Code CLI for one task (or the CTO) in its sandbox. */
  async function runClaude(
    model: ResolvedModel,
    configName: string,
    task: TaskInput | null,
    run: Omit<ClaudeCodeRun, 'command' | 'env'>,
  ): Promise<ClaudeCodeResult> {
    const settings = options.config().claude_code;
    const command = findClaudeExecutable({
      configured: settings.command,
      path: env.PATH,
      untrusted: [realpathOrSelf(run.cwd), resolve(run.cwd)],
      packageRoot: packageRoot(),
    });
    const confined = await confinement.forClaude(model, task);
    return runConfinedClaude(
      { ...run, command, env: claudeEnvironment(model, env, CLAUDE_CONFIG_INSIDE) },
      {
        confinement: confined,
        configDir: join(options.stateDir, 'claude', configName),
        credentials: model.api_key ? null : join(home, '.claude', '.credentials.json'),
      },
    ).catch((error: unknown) => {
      // A directory no task may run in is the task's setting, not the model's doing.
      if (error instanceof TaskRootError)
        throw new ModelCallError(error.message, { transient: false, infrastructure: true });
      throw error;
    });
  }

  /** A provider silent this long is given up on (and the call retried). */
  const idleMs = () => options.config().timeouts.idle_seconds * 1_000;
  const claudeIdleMs = () => options.config().timeouts.claude_code_idle_seconds * 1_000;

  const complete: CompleteText = async (model, system, conversation, signal) => {
    if (model.kind === 'claude-code') {
      // The CLI takes one prompt: a repair request is sent with the exchange before it.
      const prompt = conversation
        .map((m) =>
          conversation.length === 1 ? m.content : `<${m.role}>\n${m.content}\n</${m.role}>`,
        )
        .join('\n\n');
      // The CTO's session has no tools and works in an empty directory of its own.
      const scratch = join(options.stateDir, 'claude', 'cto-work');
      mkdirSync(scratch, { recursive: true });
      const result = await runClaude(model, 'cto', null, {
        args: [
          ...printModeArgs(prompt, model.model_id, 1),
          '--tools',
          '',
          '--system-prompt',
          system,
          '--no-session-persistence',
        ],
        cwd: scratch,
        signal,
        idleMs: claudeIdleMs(),
      });
      return { text: result.text, usage: claudeUsage(model, result) };
    }
    const { message, usage } = await chatOnce(
      openAiClientFor(model, { idleMs: idleMs() }),
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
        const settings = options.config().claude_code;
        return runClaudeCodeTask({
          call,
          settings: {
            maxTurns: options.config().max_turns,
            allowedTools: settings.allowed_tools,
            permissionMode: settings.permission_mode ?? null,
            idleMs: claudeIdleMs(),
          },
          cwd,
          launch: (run) => runClaude(model, call.taskId, call.task, run),
        });
      }
      if (model.kind === 'openai-tools') {
        const tools =
          options.toolWorker?.(cwd, model) ??
          createToolWorker({
            root: cwd,
            modelId: model.id,
            confinement: await confinement.forTools(model, call.task),
          });
        return runToolLoop({
          client: openAiClientFor(model, { idleMs: idleMs() }),
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
