import { z } from 'zod';
import { networkAccessSchema } from '../../machines/network-access.js';

// The `sandbox` section of the configuration file: how the operating system confines every
// process a model's tools start (run_command, git, the Claude Code CLI). See docs/security.md.

export { type NetworkAccess, networkAccessSchema } from '../../machines/network-access.js';

const positive = (max: number) =>
  z
    .int({ error: `expected an integer from 1 to ${max}` })
    .min(1, { error: `expected an integer from 1 to ${max}` })
    .max(max, { error: `expected an integer from 1 to ${max}` });

/** Limits on what one confined command may take (see docs/security.md for how each is enforced). */
export const sandboxLimitsSchema = z.strictObject({
  /** Processes and threads at once, in the whole sandbox. */
  processes: positive(100_000).optional(),
  /** Memory (data segment) of each process, in MiB. */
  memory_mb: positive(1_048_576).optional(),
  /** The largest file a process may write, in MiB. */
  file_size_mb: positive(1_048_576).optional(),
  /** CPU time of each process, in seconds. */
  cpu_seconds: positive(86_400).optional(),
  /** Open files of each process. */
  open_files: positive(1_048_576).optional(),
  /** The size of the sandbox's own /tmp (and home, which lies in it), in MiB. */
  tmp_mb: positive(1_048_576).optional(),
});
export type SandboxLimits = z.infer<typeof sandboxLimitsSchema>;

/** One model's own sandbox settings. */
export const modelSandboxSchema = z.strictObject({ network: networkAccessSchema.optional() });

export const sandboxSettingsSchema = z.strictObject({
  /**
   * `false` runs tools unconfined: every run warns, and `cto status` says so. Only for a
   * machine where the user accepts that a model's commands can do what the user can.
   */
  enabled: z.boolean().optional(),
  /** The network of tool commands unless a model or task says otherwise (default `none`). */
  network: networkAccessSchema.optional(),
  /** Per model: `{ "deepseek": { "network": "host" } }`. */
  models: z.record(z.string(), modelSandboxSchema).optional(),
  limits: sandboxLimitsSchema.optional(),
  /** Further directories a confined process may read (a toolchain outside /usr). */
  read_only_paths: z.array(z.string().min(1)).optional(),
  /** Variables set in every confined process, besides PATH, LANG and TERM. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
  /** Names of the orchestrator's own variables passed into confined processes as they are. */
  pass_env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional(),
});
export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;
