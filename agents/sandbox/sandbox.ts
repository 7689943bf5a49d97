import type { NetworkAccess, SandboxLimits } from '../../src/config/sandbox-settings-schema.js';
import type { ProtectedPaths } from './task-root.js';

/** A directory mounted into the sandbox: `source` on the machine, seen at `target` inside. */
export interface Mount {
  source: string;
  target: string;
}

/** One process to run confined, and what it may see. */
export interface SandboxCommand {
  file: string;
  args: readonly string[];
  /** The task directory: the working directory, and the only place it may write. */
  root: string;
  /** The whole environment inside but HOME (the sandbox's own); nothing is inherited. */
  env: Readonly<Record<string, string>>;
  network: NetworkAccess;
  limits: Required<SandboxLimits>;
  /** Further read-write mounts (Claude Code's own configuration directory). */
  writable?: readonly Mount[];
  /** Further read-only paths, at their own place (a toolchain, the Claude Code package). */
  readOnly?: readonly string[];
}

/** A command ready to start: the program that enters the sandbox, and its arguments. */
export interface PreparedCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Stops what the sandbox started beside the command (forwarders, its cgroup). Idempotent. */
  dispose(): Promise<void>;
}

/** Which mechanism confines: bubblewrap on Linux, sandbox-exec on macOS, or none at all. */
export type SandboxKind = 'bubblewrap' | 'seatbelt' | 'unconfined';

/**
 * What runs a model's processes confined by the operating system. `prepare` turns a command
 * into the command that runs it inside the sandbox; the caller starts that (in its own process
 * group) and calls `dispose` when it has ended. When the program it started ends or is killed,
 * everything it started ends with it.
 *
 * @example
 * const prepared = await sandbox.prepare({ file: 'bash', args: ['-c', 'npm test'], root, env, network: 'none', limits });
 * try { await execa(prepared.file, prepared.args, { env: prepared.env, extendEnv: false }); } finally { await prepared.dispose(); }
 */
export interface Sandbox {
  readonly kind: SandboxKind;
  /** What it keeps from every task, as of now; the file tools refuse the same paths. */
  protect(): ProtectedPaths;
  prepare(command: SandboxCommand): Promise<PreparedCommand>;
}

/** The home directory a confined process sees: empty, private, gone when it ends. */
export const SANDBOX_HOME = '/tmp/home';
