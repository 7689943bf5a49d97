import type { NetworkAccess, SandboxLimits } from '../../src/config/sandbox-settings-schema.js';
import { type ProcessOutcome, runProcess } from '../tools/run-process.js';
import type { Mount, Sandbox } from './sandbox.js';

/** How one model's processes are confined: the sandbox and the settings that apply to it. */
export interface Confinement {
  sandbox: Sandbox;
  /** The environment inside, from `sandboxEnvironment`. */
  env: Readonly<Record<string, string>>;
  network: NetworkAccess;
  limits: Required<SandboxLimits>;
  /** Paths readable inside besides the system (`sandbox.read_only_paths`). */
  readOnly: readonly string[];
}

export interface ConfinedRun {
  file: string;
  args: readonly string[];
  /** The task directory: where it runs, and all it may change. */
  root: string;
  /** Variables added to the confinement's environment (a git identity). */
  env?: Readonly<Record<string, string>>;
  writable?: readonly Mount[];
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs one program in the sandbox and waits for it: at the timeout or an abort, it and
 * everything it started are killed. A sandbox that cannot be set up for it (a task directory
 * it refuses) is a start error, like a missing program.
 *
 * @example
 * const outcome = await runConfined(confinement, { file: 'bash', args: ['-c', 'npm test'], root, timeoutMs: 120_000 });
 */
export async function runConfined(
  confinement: Confinement,
  run: ConfinedRun,
): Promise<ProcessOutcome> {
  let prepared: Awaited<ReturnType<Sandbox['prepare']>>;
  try {
    prepared = await confinement.sandbox.prepare({
      file: run.file,
      args: run.args,
      root: run.root,
      env: { ...confinement.env, ...run.env },
      network: confinement.network,
      limits: confinement.limits,
      readOnly: confinement.readOnly,
      writable: run.writable,
    });
  } catch (error) {
    return {
      exitCode: undefined,
      signal: undefined,
      output: '',
      timedOut: false,
      cancelled: false,
      outputOverflow: false,
      startError: error instanceof Error ? error.message : String(error),
    };
  }
  try {
    return await runProcess(prepared.file, prepared.args, {
      cwd: run.root,
      env: prepared.env,
      timeoutMs: run.timeoutMs,
      signal: run.signal,
    });
  } finally {
    await prepared.dispose();
  }
}
