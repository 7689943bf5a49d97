import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { type Confinement, runConfined } from '../sandbox/run-confined.js';
import { checkTaskRoot, TaskRootError } from '../sandbox/task-root.js';
import type { ProcessOutcome } from './run-process.js';
import { gitRefusal, safeGitCommand } from './safe-git.js';
import { checkCommand, commandTimeoutMs, gitIdentity, truncateOutput } from './sandbox-policy.js';
import { openTaskDirectory, type TaskDirectory, TaskPathError } from './task-directory.js';
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
  /** The task directory: the file tools stay inside it, and commands run in it. */
  root: string;
  /** The model the tools work for; its commits carry its name. */
  modelId: string;
  /** How commands run: the sandbox, its environment, network and limits. */
  confinement: Confinement;
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
/** More than any source file; a model that sends more is told so. */
const MAX_WRITE_BYTES = 16 * 1024 * 1024;

type Handlers = {
  [N in ToolName]: (
    args: z.infer<(typeof toolDefinitions)[N]['arguments']>,
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
  if (error instanceof TaskPathError || error instanceof TaskRootError) return error.message;
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

/**
 * The tools of an external model with tool calling, confined to a task directory: the file
 * tools open files without following any link out of it (`openTaskDirectory`), and every
 * command (run_command, the git tools) runs in the operating system's sandbox, which sees
 * only the task directory, with no network unless configured, no key, and nothing left running
 * after it. Git commits carry the model's name. The text rules of `sandbox-policy.ts` only
 * explain refusals of plainly destructive commands; the sandbox is the boundary.
 *
 * @example
 * const worker = createToolWorker({ root: '/work/task', modelId: 'deepseek', confinement });
 * await worker.run('write_file', '{"path":"notes.md","content":"hi"}'); // { ok: true, output: 'wrote 2 bytes to notes.md' }
 * await worker.run('read_file', '{"path":"/etc/passwd"}'); // { ok: false, output: 'refused: /etc/passwd is outside the task directory /work/task' }
 */
export function createToolWorker(options: ToolWorkerOptions): ToolWorker {
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const { confinement } = options;
  const identity = gitIdentity(options.modelId);
  const env: Record<string, string> = {
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
  let files: TaskDirectory | undefined;

  /** The task directory, checked at first use: a root the sandbox refuses, the file tools refuse. */
  function taskFiles(): TaskDirectory {
    if (!files) {
      const protect = confinement.sandbox.protect();
      files = openTaskDirectory(checkTaskRoot(options.root, protect), {
        hidden: [...protect.secrets, ...protect.hidden],
      });
    }
    return files;
  }

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

  async function git(args: string[], whenEmpty: string, signal?: AbortSignal): Promise<ToolResult> {
    const refusal = await gitRefusal(taskFiles().root);
    if (refusal) return fail(refusal);
    const command = safeGitCommand(args);
    const outcome = await runConfined(confinement, {
      ...command,
      root: options.root,
      env,
      timeoutMs: gitTimeoutMs,
      signal,
    });
    if (outcome.exitCode !== 0) return describeOutcome(outcome, gitTimeoutMs);
    const output = truncateOutput(outcome.output.trimEnd(), maxOutputBytes);
    return succeed(output === '' ? whenEmpty : output);
  }

  async function onFile(
    path: string,
    operation: (directory: TaskDirectory) => Promise<ToolResult>,
  ): Promise<ToolResult> {
    try {
      return await operation(taskFiles());
    } catch (error) {
      return fail(describeFsError(error, path));
    }
  }

  const handlers: Handlers = {
    read_file: (args) =>
      onFile(args.path, async (directory) => {
        const bytes = await directory.read(args.path, MAX_READ_BYTES);
        return succeed(truncateOutput(bytes.toString('utf8'), maxOutputBytes));
      }),

    write_file: (args) =>
      onFile(args.path, async (directory) => {
        const size = Buffer.byteLength(args.content);
        if (size > MAX_WRITE_BYTES) {
          return fail(`refused: ${size} bytes is more than write_file takes (16 MB)`);
        }
        await directory.write(args.path, args.content);
        return succeed(`wrote ${size} bytes to ${args.path}`);
      }),

    // A unique match is required: replacing the first of several would edit a place the model
    // may not have meant, and replacing all of them could change more than it looked at.
    edit_file: (args) =>
      onFile(args.path, async (directory) => {
        const text = (await directory.read(args.path, MAX_READ_BYTES)).toString('utf8');
        const count = countOccurrences(text, args.old_text);
        if (count === 0) return fail(`old_text was not found in ${args.path}`);
        if (count > 1) {
          return fail(
            `old_text occurs ${count} times in ${args.path}; include more surrounding text so that it occurs once`,
          );
        }
        const at = text.indexOf(args.old_text);
        await directory.write(
          args.path,
          text.slice(0, at) + args.new_text + text.slice(at + args.old_text.length),
        );
        return succeed(`replaced 1 occurrence in ${args.path}`);
      }),

    list_directory: (args) =>
      onFile(args.path ?? '.', async (directory) => {
        const names = (await directory.list(args.path ?? '.'))
          .map((entry) => (entry.directory ? `${entry.name}/` : entry.name))
          .sort();
        return succeed(
          names.length === 0
            ? '(empty directory)'
            : truncateOutput(names.join('\n'), maxOutputBytes),
        );
      }),

    get_current_directory: async () => succeed(taskFiles().root),

    run_command: async (args, signal) => {
      const root = taskFiles().root;
      const decision = checkCommand(args.command, { root });
      if (!decision.allowed) return fail(decision.reason);
      const timeoutMs = commandTimeoutMs(args.timeout_seconds, options.defaultTimeoutMs);
      const outcome = await runConfined(confinement, {
        file: 'bash',
        args: ['-c', args.command],
        root,
        env,
        timeoutMs,
        signal,
      });
      return describeOutcome(outcome, timeoutMs);
    },

    git_status: (_args, signal) => git(['status'], '(no status)', signal),

    git_diff: (args, signal) =>
      git(
        ['diff', '--no-ext-diff', '--no-textconv', ...(args.staged ? ['--staged'] : [])],
        args.staged ? '(no staged changes)' : '(no unstaged changes)',
        signal,
      ),

    git_commit: async (args, signal) => {
      const added = await git(['add', '-A'], '', signal);
      if (!added.ok) return added;
      return git(['commit', '-m', args.message], '', signal);
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
        signal?: AbortSignal,
      ) => Promise<ToolResult>;
      return await handler(parsed.data, signal);
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
