import { execa } from 'execa';
import { z } from 'zod';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { oneLine } from './short-text.js';

const initLine = z.object({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
});
/** Tokens as the CLI reports them, for one model message or the whole session. */
const tokenUsage = z
  .object({
    input_tokens: z.number().default(0),
    output_tokens: z.number().default(0),
    cache_creation_input_tokens: z.number().default(0),
    cache_read_input_tokens: z.number().default(0),
  })
  .partial()
  .optional();
const assistantLine = z.object({
  type: z.literal('assistant'),
  message: z.object({
    id: z.string().optional(),
    usage: tokenUsage,
    content: z.array(
      z.looseObject({ type: z.string(), name: z.string().optional(), input: z.unknown() }),
    ),
  }),
});
const toolResultsLine = z.object({
  type: z.literal('user'),
  message: z.object({ content: z.array(z.looseObject({ type: z.string() })) }),
});
const resultLine = z.object({
  type: z.literal('result'),
  is_error: z.boolean(),
  result: z.string().optional(),
  session_id: z.string().optional(),
  num_turns: z.number().optional(),
  errors: z.array(z.string()).optional(),
  total_cost_usd: z.number().optional(),
  usage: tokenUsage,
});

export interface ClaudeCodeRun {
  /** The `claude` executable. */
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  /** Called once, as soon as the CLI says which session it runs (and its process id). */
  onSession?: (sessionId: string, pid: number | null) => Promise<void>;
  /** Hears each tool the session calls, by name and input. */
  onTool?: (name: string, input: string) => void;
  /**
   * The CLI silent this long while no tool of its runs (so it waits on the model) is ended,
   * and the run fails as a transient error, to be retried.
   */
  idleMs?: number;
  /**
   * Hears the tokens of each model message as the session reports it (once per message); an
   * answer other than null ends the session, failing it with that reason (its budget is spent).
   */
  onUsage?: (tokens: number) => Promise<string | null>;
}

export interface ClaudeCodeResult {
  text: string;
  sessionId: string | null;
  turns: number;
  /** Tokens by kind: cache writes and reads are priced apart from plain input. */
  tokens: { input: number; cacheCreation: number; cacheRead: number; output: number };
  /** What the CLI itself reports spending; the caller cross-checks it against catalog prices. */
  cliCostUsd: number | null;
}

// API trouble the CLI reports in its result text: worth a retry on the same model.
const transientText =
  /\b(429|5\d\d|overloaded|rate.?limit|timed? ?out|ECONNRESET|ECONNREFUSED|socket|network|connection)\b/i;

/**
 * The print-mode arguments every run starts with: the prompt, stream-json output (which needs
 * --verbose), the model and the turn limit.
 *
 * @example
 * [...printModeArgs('say hi', 'sonnet', 1), '--tools', '']
 */
export function printModeArgs(prompt: string, model: string, maxTurns: number): string[] {
  return [
    '-p',
    prompt,
    '--output-format',
    'stream-json',
    '--verbose',
    '--model',
    model,
    '--max-turns',
    String(maxTurns),
  ];
}

/** Ends the CLI and everything it started (it runs in its own process group). */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Watches a CLI's output for silence while it waits on the model: each line (from the first
 * on) re-arms the timer, which is off while a tool the model called runs (between its `tool_use` and the
 * `tool_result` line), since a tool may rightly take long.
 */
function silenceWatch(idleMs: number | undefined, end: () => void) {
  let timer: NodeJS.Timeout | undefined;
  let toolsRunning = 0;
  const watch = {
    ended: false,
    arm() {
      clearTimeout(timer);
      if (!idleMs || toolsRunning > 0) return;
      timer = setTimeout(() => {
        watch.ended = true;
        end();
      }, idleMs);
    },
    heard(line: string) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = null;
      }
      const called = assistantLine.safeParse(json);
      if (called.success)
        toolsRunning += called.data.message.content.filter((b) => b.type === 'tool_use').length;
      const results = toolResultsLine.safeParse(json);
      if (results.success) {
        const done = results.data.message.content.filter((b) => b.type === 'tool_result').length;
        toolsRunning = Math.max(0, toolsRunning - done);
      }
      watch.arm();
    },
    stop() {
      clearTimeout(timer);
    },
  };
  // Armed from the CLI's first line on: its start-up is not a wait on the model.
  return watch;
}

/**
 * Runs the Claude Code CLI once in print mode with stream-json output and reads its lines as
 * they come: the session id from the init line (handed to `onSession` at once, so a crash
 * later can resume the session), and the final result line. `is_error` and the exit code
 * decide success; the CLI's `subtype` does not (an API failure still says "success").
 * Stdin is closed (an open pipe makes the CLI wait), and an abort (cancel or timeout) kills
 * the whole process tree.
 *
 * @example
 * const result = await runClaudeCode({ command, args: ['-p', prompt, '--output-format', 'stream-json', '--verbose'], cwd, env, signal });
 */
export async function runClaudeCode(run: ClaudeCodeRun): Promise<ClaudeCodeResult> {
  const child = execa(run.command, run.args, {
    cwd: run.cwd,
    env: run.env,
    extendEnv: false,
    stdin: 'ignore',
    detached: true,
    reject: false,
    lines: true,
    stripFinalNewline: true,
  });
  const onAbort = () => killTree(child.pid);
  run.signal.addEventListener('abort', onAbort, { once: true });
  const silence = silenceWatch(run.idleMs, () => killTree(child.pid));
  let sessionId: string | null = null;
  let result: z.infer<typeof resultLine> | null = null;
  // Model messages already counted (a message of several blocks comes as several lines).
  const counted = new Set<string>();
  let stopped: string | null = null;
  // What the session's messages reported so far: what it used if it is ended before its end.
  const seen = { inputTokens: 0, outputTokens: 0 };
  try {
    for await (const line of child.iterable({ from: 'stdout' })) {
      silence.heard(String(line));
      let json: unknown;
      try {
        json = JSON.parse(String(line));
      } catch {
        continue; // the CLI prints the odd non-JSON line; only the protocol lines matter
      }
      const init = initLine.safeParse(json);
      if (init.success && sessionId === null) {
        sessionId = init.data.session_id;
        await run.onSession?.(sessionId, child.pid ?? null);
      }
      const tools = assistantLine.safeParse(json);
      if (tools.success && run.onUsage && !stopped) {
        const { id, usage } = tools.data.message;
        if (usage && !(id && counted.has(id))) {
          if (id) counted.add(id);
          const input =
            (usage.input_tokens ?? 0) +
            (usage.cache_creation_input_tokens ?? 0) +
            (usage.cache_read_input_tokens ?? 0);
          const tokens = input + (usage.output_tokens ?? 0);
          seen.inputTokens += input;
          seen.outputTokens += usage.output_tokens ?? 0;
          void run.onUsage(tokens).then((why) => {
            if (why === null || stopped) return;
            stopped = why;
            killTree(child.pid);
          });
        }
      }
      if (tools.success) {
        for (const block of tools.data.message.content) {
          if (block.type === 'tool_use')
            run.onTool?.(String(block.name), JSON.stringify(block.input ?? {}));
        }
      }
      const end = resultLine.safeParse(json);
      if (end.success) result = end.data;
    }
  } catch (error) {
    killTree(child.pid); // the session id could not be journaled: do not leave the CLI running
    throw error;
  } finally {
    run.signal.removeEventListener('abort', onAbort);
    silence.stop();
  }
  const finished = await child;
  if (stopped !== null && !run.signal.aborted) {
    throw new ModelCallError(`${stopped}; the Claude Code session was ended`, {
      transient: false,
      infrastructure: true,
      usage: seen,
    });
  }
  if (silence.ended && !run.signal.aborted) {
    throw new ModelCallError(
      `the Claude Code CLI was silent for ${(run.idleMs ?? 0) / 1000} s waiting on the model; ended`,
      { transient: true },
    );
  }
  if (run.signal.aborted) {
    throw new ModelCallError(
      run.signal.reason === 'timeout' ? 'the Claude Code CLI timed out' : 'execute aborted',
      { transient: run.signal.reason === 'timeout' },
    );
  }
  // With `lines: true` stderr comes as lines; its last one says what went wrong.
  const stderrLines = Array.isArray(finished.stderr)
    ? finished.stderr
    : [String(finished.stderr ?? '')];
  const stderr = oneLine(String(stderrLines.filter((l) => String(l).trim()).at(-1) ?? ''));
  if (!result) {
    const why = finished.failed ? finished.shortMessage : 'no result line';
    throw new ModelCallError(
      `the Claude Code CLI ended without a result: ${why}${stderr ? `: ${stderr}` : ''}`,
      {
        transient: transientText.test(`${why} ${stderr}`),
      },
    );
  }
  const usage = result.usage ?? {};
  const tokens = {
    input: usage.input_tokens ?? 0,
    cacheCreation: usage.cache_creation_input_tokens ?? 0,
    cacheRead: usage.cache_read_input_tokens ?? 0,
    output: usage.output_tokens ?? 0,
  };
  if (result.is_error || finished.exitCode !== 0) {
    const text = oneLine(
      [result.result, ...(result.errors ?? [])].filter(Boolean).join('; ') || stderr,
    );
    throw new ModelCallError(`Claude Code reported an error (exit ${finished.exitCode}): ${text}`, {
      transient: transientText.test(text),
      usage: {
        inputTokens: tokens.input + tokens.cacheCreation + tokens.cacheRead,
        outputTokens: tokens.output,
      },
    });
  }
  return {
    text: result.result ?? '',
    sessionId: result.session_id ?? sessionId,
    turns: result.num_turns ?? 0,
    tokens,
    cliCostUsd: result.total_cost_usd ?? null,
  };
}
