import {
  existsSync,
  lstatSync,
  mkdirSync,
  realpathSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { type ClaudeCodeResult, type ClaudeCodeRun, runClaudeCode } from './claude-code-run.js';
import type { Confinement } from './sandbox/run-confined.js';
import { type Mount, SANDBOX_HOME } from './sandbox/sandbox.js';

/** Where a Claude Code session keeps its configuration and transcripts inside the sandbox. */
export const CLAUDE_CONFIG_INSIDE = `${SANDBOX_HOME}/.claude`;

export interface ClaudeSandboxing {
  confinement: Confinement;
  /** The task's own configuration directory on this machine (`<state>/claude/<task>`). */
  configDir: string;
  /** The user's Claude Code login (`~/.claude/.credentials.json`) to lend the session, if any. */
  credentials: string | null;
}

/**
 * The read-only directory that holds the CLI's program: its npm package (`cli.js` and its
 * vendored tools) or the directory of a native build.
 */
function programDirectory(command: string): string {
  return dirname(realpathSync(command));
}

/** The login file lent to the session: a placeholder file is what the bind mounts onto. */
function credentialsMount(configDir: string, credentials: string | null): Mount[] {
  if (!credentials || !existsSync(credentials)) return [];
  const placeholder = join(configDir, '.credentials.json');
  // A link left by an unconfined run would lead the mount outside: replace it with a file.
  if (existsSync(placeholder) && lstatSync(placeholder).isSymbolicLink()) unlinkSync(placeholder);
  if (!existsSync(placeholder)) writeFileSync(placeholder, '', { mode: 0o600 });
  return [{ source: credentials, target: `${CLAUDE_CONFIG_INSIDE}/.credentials.json` }];
}

/** With confinement off: the session uses its directory in place and a link to the login. */
function runUnconfined(
  run: ClaudeCodeRun,
  sandboxing: ClaudeSandboxing,
): Promise<ClaudeCodeResult> {
  const { configDir, credentials } = sandboxing;
  const linked = join(configDir, '.credentials.json');
  if (credentials && existsSync(credentials) && !existsSync(linked))
    symlinkSync(credentials, linked);
  return runClaudeCode({
    ...run,
    env: {
      ...sandboxing.confinement.env,
      HOME: sandboxing.confinement.sandbox.protect().home,
      ...run.env,
      CLAUDE_CONFIG_DIR: configDir,
    },
  });
}

/**
 * Runs the Claude Code CLI in the sandbox: the task directory read-write, its own
 * configuration directory mounted as its home's `.claude`, the user's login lent when the
 * model has no key of its own, the CLI's program read-only, and the network as the
 * confinement says (by default only its API endpoint). `run.env` must already name
 * `CLAUDE_CONFIG_DIR` as `CLAUDE_CONFIG_INSIDE`.
 *
 * @example
 * await runConfinedClaude({ command, args, cwd: root, env, signal }, { confinement, configDir, credentials: null });
 */
export async function runConfinedClaude(
  run: ClaudeCodeRun,
  sandboxing: ClaudeSandboxing,
): Promise<ClaudeCodeResult> {
  const { confinement, configDir } = sandboxing;
  mkdirSync(configDir, { recursive: true });
  if (confinement.sandbox.kind === 'unconfined') return runUnconfined(run, sandboxing);
  const program = realpathSync(run.command);
  const prepared = await confinement.sandbox.prepare({
    file: program,
    args: run.args,
    root: run.cwd,
    env: { ...confinement.env, ...run.env },
    network: confinement.network,
    limits: confinement.limits,
    readOnly: [...confinement.readOnly, programDirectory(run.command)],
    writable: [
      { source: configDir, target: CLAUDE_CONFIG_INSIDE },
      ...credentialsMount(configDir, sandboxing.credentials),
    ],
  });
  try {
    return await runClaudeCode({
      ...run,
      command: prepared.file,
      args: prepared.args,
      env: prepared.env,
    });
  } finally {
    await prepared.dispose();
  }
}
