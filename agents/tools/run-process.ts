import { execa } from 'execa';

/** How a tool's child process ended. `exitCode` is undefined when it was killed or never ran. */
export interface ProcessOutcome {
  exitCode: number | undefined;
  signal: string | undefined;
  /** stdout and stderr interleaved as they were written. */
  output: string;
  timedOut: boolean;
  cancelled: boolean;
  /** The program was stopped because it wrote more than 16 MB. */
  outputOverflow: boolean;
  /** Why the process could not be started (`git` not installed …). */
  startError: string | undefined;
}

export interface RunProcessOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** After SIGTERM, how long the process group has before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** More than any tool shows (the output is truncated far below this), bounding memory. */
const MAX_BUFFER = 16 * 1024 * 1024;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every process of the group has already exited.
  }
}

/**
 * Runs a program for a tool in its own process group, so that a timeout or a cancelled task
 * kills the program and everything it started: `sleep 100 & wait` leaves no `sleep` behind.
 * Whatever is left in the group when the program exits is killed too, so a background process
 * never outlives its command. Stdin is closed; only the environment given is passed.
 *
 * @example
 * const outcome = await runProcess('bash', ['-c', 'npm test'], { cwd: root, env, timeoutMs: 120_000 });
 * outcome.exitCode; // 0
 */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessOutcome> {
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: MAX_BUFFER,
    // A new process group (and session), so that -pid reaches every descendant.
    detached: true,
  });
  let stoppedBy: 'timeout' | 'cancel' | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (reason: 'timeout' | 'cancel') => {
    if (stoppedBy) return;
    stoppedBy = reason;
    killGroup(child.pid, 'SIGTERM');
    graceTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('cancel');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop('cancel');
  try {
    const result = await child;
    const startError = result.failed && child.pid === undefined ? result.shortMessage : undefined;
    return {
      exitCode: stoppedBy ? undefined : result.exitCode,
      signal: result.signal,
      output: result.all ?? '',
      timedOut: stoppedBy === 'timeout',
      cancelled: stoppedBy === 'cancel',
      outputOverflow: result.isMaxBuffer,
      startError,
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', onAbort);
    killGroup(child.pid, 'SIGKILL');
  }
}
