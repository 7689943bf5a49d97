import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { type ClaudeCodeResult, type ClaudeCodeRun, runClaudeCode } from './claude-code-run.js';
import type { Confinement } from './sandbox/run-confined.js';
import { SANDBOX_HOME } from './sandbox/sandbox.js';

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

/**
 * Lends the user's Claude Code login to a session as a copy in its own directory: the session
 * may refresh or spoil its copy, never the user's file. Whatever an earlier session left at
 * that name (a link a model made, a FIFO) is removed first, and the copy is made without
 * following links, so nothing can turn it into a write elsewhere.
 */
function lendCredentials(configDir: string, credentials: string | null): void {
  const target = join(configDir, '.credentials.json');
  rmSync(target, { recursive: true, force: true });
  if (!credentials) return;
  let login: Buffer;
  try {
    login = readFileSync(credentials);
  } catch {
    return; // not logged in: the session has its key, or fails saying it has none
  }
  const fd = openSync(
    target,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, login);
  } finally {
    closeSync(fd);
  }
}

/** With confinement off: the session uses its directory in place, outside any sandbox. */
function runUnconfined(
  run: ClaudeCodeRun,
  sandboxing: ClaudeSandboxing,
): Promise<ClaudeCodeResult> {
  const { confinement, configDir } = sandboxing;
  return runClaudeCode({
    ...run,
    env: {
      ...confinement.env,
      HOME: confinement.sandbox.protect().home,
      ...run.env,
      CLAUDE_CONFIG_DIR: configDir,
    },
  });
}

/**
 * Runs the Claude Code CLI in the sandbox: the task directory read-write, its own
 * configuration directory mounted as its home's `.claude`, a copy of the user's login lent
 * when the model has no key of its own, the CLI's program read-only, and the network as the
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
  lendCredentials(configDir, sandboxing.credentials);
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
    writable: [{ source: configDir, target: CLAUDE_CONFIG_INSIDE }],
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
