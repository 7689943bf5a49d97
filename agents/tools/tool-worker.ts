import { mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { realPathOfNearestSync, resolveToolPath } from './resolve-tool-path.js';
import { type ProcessOutcome, runProcess } from './run-process.js';
import {
  checkCommand,
  childEnvironment,
  commandTimeoutMs,
  gitIdentity,
  type SandboxContext,
  truncateOutput,
} from './sandbox-policy.js';
import {
  chatCompletionTools,
  isToolName,
  type ToolName,
  toolDefinitions,
} from './tool-definitions.js';

/** What a tool call gives back to the model: `ok` false means it failed or was refused. */
export const toolResultSchema = z.object({ ok: z.boolean(), output: z.string() });
export type ToolResult = z.infer<typeof toolResultSchema>;

export interface ToolWorkerOptions {
  /** The task root: file tools stay inside it and commands run in it. */
  root: string;
  /** The model the tools work for; its commits carry its name. */
  modelId: string;
  /** Where `~` and the credentials directory (`~/agents`) are; the user's home by default. */
  homeDir?: string;
  /** The environment children are started from, without its secrets; process.env by default. */
  env?: NodeJS.ProcessEnv;
  maxOutputBytes?: number;
  /** The command timeout when the model asks for none (120 s unless set). */
  defaultTimeoutMs?: number;
}

export interface ToolWorker {
  /** The `tools` array for chat-completions requests. */
  definitions: ChatCompletionFunctionTool[];
  /**
   * Runs one tool call. A bad call is a failed result the model can read. Rejects (with an
   * Error named AbortError) only when `signal` is aborted, before or during the call: the call
   * then has no result to record, and the command it ran, if any, has been killed.
   */
  run(name: string, rawArguments: string, signal?: AbortSignal): Promise<ToolResult>;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 50_000;
/** A larger file is refused rather than read whole into memory to show 50 kB of it. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

type Handlers = {
  [N in ToolName]: (
    args: z.infer<(typeof toolDefinitions)[N]['arguments']>,
    sandbox: SandboxContext,
    signal?: AbortSignal,
  ) => Promise<ToolResult>;
};

function succeed(output: string): ToolResult {
  return { ok: true, output };
}

function fail(reason: string): ToolResult {
  return { ok: false, output: reason.replace(/\s*\n\s*/g, ' ').trim() };
}

/** The rejection of a call whose signal was aborted: it did not finish, so it has no result. */
function cancelledError(): Error {
  return Object.assign(new Error('cancelled: the task was cancelled'), { name: 'AbortError' });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeFsError(error: unknown, path: string): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return `no such file or directory: ${path}`;
    case 'EISDIR':
      return `${path} is a directory`;
    case 'ENOTDIR':
      return `${path}: a part of the path is not a directory`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    case 'ELOOP':
      return `${path}: too many levels of symbolic links`;
    default:
      return `${path}: ${messageOf(error)}`;
  }
}

function countOccurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) count++;
  return count;
}

async function realContext(options: ToolWorkerOptions): Promise<SandboxContext> {
  const home = resolve(options.homeDir ?? homedir());
  return {
    root: await realpath(resolve(options.root)),
    homeDir: await realpath(home).catch(() => home),
  };
}

/**
 * The tools of an external model with tool calling, confined to a task root: files are read
 * and written only inside it (real paths, so symlinks cannot lead out), commands run in it
 * with a timeout and without the orchestrator's API keys, and git commits carry the model's
 * name. See `sandbox-policy.ts` for the rules.
 *
 * @example
 * const worker = createToolWorker({ root: '/work/task', modelId: 'deepseek' });
 * await worker.run('write_file', '{"path":"notes.md","content":"hi"}'); // { ok: true, output: 'wrote 2 bytes to notes.md' }
 * await worker.run('read_file', '{"path":"/etc/passwd"}'); // { ok: false, output: 'refused: /etc is a system path' }
 */
export function createToolWorker(options: ToolWorkerOptions): ToolWorker {
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const identity = gitIdentity(options.modelId);
  const env: Record<string, string> = {
    ...childEnvironment(options.env ?? process.env),
    // `~` in a command is the home directory the command rules protect, whatever HOME was.
    HOME: resolve(options.homeDir ?? homedir()),
    // Any commit, through git_commit or a `git commit` command, is the model's, and is not
    // signed with the user's key.
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'commit.gpgsign',
    GIT_CONFIG_VALUE_0: 'false',
    // Nothing can answer a prompt or drive an editor: stdin is closed.
    GIT_TERMINAL_PROMPT: '0',
    GIT_EDITOR: 'true',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
  };
  const gitTimeoutMs = commandTimeoutMs(undefined, options.defaultTimeoutMs);

  function describeOutcome(outcome: ProcessOutcome, timeoutMs: number): ToolResult {
    if (outcome.startError) return fail(`could not start: ${outcome.startError}`);
    let status = `exit code ${outcome.exitCode}`;
    if (outcome.timedOut) {
      status = `timed out after ${timeoutMs / 1000} s; the command and every process it started were killed`;
    } else if (outcome.cancelled) {
      status = 'cancelled: the task was cancelled and the command killed';
    } else if (outcome.outputOverflow) {
      status = 'stopped: the command wrote more than 16 MB of output';
    } else if (outcome.exitCode === undefined) {
      status = `killed by ${outcome.signal ?? 'a signal'}`;
    }
    const output = truncateOutput(outcome.output, maxOutputBytes);
    return { ok: outcome.exitCode === 0, output: output === '' ? status : `${status}\n${output}` };
  }

  function git(args: string[], sandbox: SandboxContext, signal?: AbortSignal) {
    return runProcess('git', args, { cwd: sandbox.root, env, timeoutMs: gitTimeoutMs, signal });
  }

  function gitResult(outcome: ProcessOutcome, whenEmpty: string): ToolResult {
    if (outcome.exitCode !== 0) return describeOutcome(outcome, gitTimeoutMs);
    const output = truncateOutput(outcome.output.trimEnd(), maxOutputBytes);
    return succeed(output === '' ? whenEmpty : output);
  }

  /**
   * The pathspec git commands take: none at the top of a repository; `-- .` when the root is a
   * subdirectory of one, so that the model never stages or commits the rest of it.
   */
  async function gitScope(
    sandbox: SandboxContext,
    signal?: AbortSignal,
  ): Promise<string[] | ToolResult> {
    const top = await git(['rev-parse', '--show-toplevel'], sandbox, signal);
    if (top.exitCode === 0) {
      return (await realpath(top.output.trim())) === sandbox.root ? [] : ['--', '.'];
    }
    if (top.startError || top.timedOut || top.cancelled) return describeOutcome(top, gitTimeoutMs);
    return fail(`not a git repository: ${sandbox.root} (run "git init" first)`);
  }

  async function onFile(
    requested: string,
    sandbox: SandboxContext,
    operation: (path: string) => Promise<ToolResult>,
  ): Promise<ToolResult> {
    try {
      const target = await resolveToolPath(requested, sandbox);
      if (!target.allowed) return fail(target.reason);
      return await operation(target.path);
    } catch (error) {
      return fail(describeFsError(error, requested));
    }
  }

  const handlers: Handlers = {
    read_file: (args, sandbox) =>
      onFile(args.path, sandbox, async (path) => {
        const info = await stat(path);
        if (info.isDirectory()) return fail(`${args.path} is a directory; use list_directory`);
        if (info.size > MAX_READ_BYTES) {
          return fail(
            `${args.path} has ${info.size} bytes, too many to read; use run_command with head or grep`,
          );
        }
        return succeed(truncateOutput(await readFile(path, 'utf8'), maxOutputBytes));
      }),

    write_file: (args, sandbox) =>
      onFile(args.path, sandbox, async (path) => {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, args.content);
        return succeed(`wrote ${Buffer.byteLength(args.content)} bytes to ${args.path}`);
      }),

    // A unique match is required: replacing the first of several would edit a place the model
    // may not have meant, and replacing all of them could change more than it looked at.
    edit_file: (args, sandbox) =>
      onFile(args.path, sandbox, async (path) => {
        const text = await readFile(path, 'utf8');
        const count = countOccurrences(text, args.old_text);
        if (count === 0) return fail(`old_text was not found in ${args.path}`);
        if (count > 1) {
          return fail(
            `old_text occurs ${count} times in ${args.path}; include more surrounding text so that it occurs once`,
          );
        }
        const at = text.indexOf(args.old_text);
        await writeFile(
          path,
          text.slice(0, at) + args.new_text + text.slice(at + args.old_text.length),
        );
        return succeed(`replaced 1 occurrence in ${args.path}`);
      }),

    list_directory: (args, sandbox) =>
      onFile(args.path ?? '.', sandbox, async (path) => {
        const entries = await readdir(path, { withFileTypes: true });
        const names = entries
          .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
          .sort();
        return succeed(
          names.length === 0
            ? '(empty directory)'
            : truncateOutput(names.join('\n'), maxOutputBytes),
        );
      }),

    get_current_directory: async (_args, sandbox) => succeed(sandbox.root),

    run_command: async (args, sandbox, signal) => {
      const decision = checkCommand(args.command, sandbox, { realPath: realPathOfNearestSync });
      if (!decision.allowed) return fail(decision.reason);
      const timeoutMs = commandTimeoutMs(args.timeout_seconds, options.defaultTimeoutMs);
      const outcome = await runProcess('bash', ['-c', args.command], {
        cwd: sandbox.root,
        env,
        timeoutMs,
        signal,
      });
      return describeOutcome(outcome, timeoutMs);
    },

    git_status: async (_args, sandbox, signal) => {
      const scope = await gitScope(sandbox, signal);
      if (!Array.isArray(scope)) return scope;
      return gitResult(await git(['status', ...scope], sandbox, signal), '(no status)');
    },

    git_diff: async (args, sandbox, signal) => {
      const scope = await gitScope(sandbox, signal);
      if (!Array.isArray(scope)) return scope;
      const staged = args.staged ? ['--staged'] : [];
      const outcome = await git(['diff', ...staged, ...scope], sandbox, signal);
      return gitResult(outcome, args.staged ? '(no staged changes)' : '(no unstaged changes)');
    },

    git_commit: async (args, sandbox, signal) => {
      const scope = await gitScope(sandbox, signal);
      if (!Array.isArray(scope)) return scope;
      const added = await git(['add', '-A', ...scope], sandbox, signal);
      if (added.exitCode !== 0) return describeOutcome(added, gitTimeoutMs);
      return gitResult(await git(['commit', '-m', args.message, ...scope], sandbox, signal), '');
    },
  };

  async function runTool(
    name: string,
    rawArguments: string,
    signal?: AbortSignal,
  ): Promise<ToolResult> {
    try {
      if (!isToolName(name)) {
        return fail(
          `unknown tool "${name}"; the tools are ${Object.keys(toolDefinitions).join(', ')}`,
        );
      }
      let raw: unknown;
      try {
        // Some models send nothing at all for a tool without arguments.
        raw = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
      } catch (error) {
        return fail(`the arguments of ${name} are not valid JSON: ${messageOf(error)}`);
      }
      const parsed = toolDefinitions[name].arguments.safeParse(raw);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) =>
          issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
        );
        return fail(`invalid arguments for ${name}: ${issues.join('; ')}`);
      }
      // The handler for `name` takes exactly what the schema of `name` has just accepted.
      const handler = handlers[name] as (
        args: unknown,
        sandbox: SandboxContext,
        signal?: AbortSignal,
      ) => Promise<ToolResult>;
      const sandbox = await realContext(options).catch((error: unknown) => {
        throw new Error(`the task root is not usable: ${describeFsError(error, options.root)}`);
      });
      return await handler(parsed.data, sandbox, signal);
    } catch (error) {
      return fail(`${name} failed: ${messageOf(error)}`);
    }
  }

  return {
    definitions: chatCompletionTools(),
    async run(name, rawArguments, signal) {
      if (signal?.aborted) throw cancelledError();
      const result = await runTool(name, rawArguments, signal);
      // A command killed because the task was cancelled did not finish: it has no result.
      if (signal?.aborted) throw cancelledError();
      return result;
    },
  };
}
