import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach } from 'vitest';
import type { ScriptedServer } from '../../src/testing/index.js';

const claude = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));

/** What one `claude -p` run printed, with its stream-json lines parsed. */
export interface ClaudeRun {
  exitCode: number | undefined;
  stderr: string;
  lines: Record<string, unknown>[];
  /** The `type: "system", subtype: "init"` line. */
  init: Record<string, unknown> | undefined;
  /** The final `type: "result"` line. */
  result: Record<string, unknown> | undefined;
}

/** A working directory and a Claude Code config directory of their own, removed after the test. */
export interface ClaudeHome {
  cwd: string;
  configDir: string;
  home: string;
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function claudeHome(): ClaudeHome {
  const root = mkdtempSync(join(tmpdir(), 'cto-claude-'));
  made.push(root);
  const dirs = {
    cwd: join(root, 'work'),
    configDir: join(root, 'config'),
    home: join(root, 'home'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  return dirs;
}

/**
 * Runs the real Claude Code CLI in print mode against a local server, with nothing from this
 * process's environment but PATH (no real key can reach it) and the test settings of DESIGN.md.
 */
export async function runClaudeCode(
  server: ScriptedServer,
  where: ClaudeHome,
  prompt: string,
  extraArgs: string[] = [],
): Promise<ClaudeRun> {
  const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--model', 'sonnet'];
  const child = await execa(claude, [...args, '--max-turns', '3', ...extraArgs], {
    cwd: where.cwd,
    // An open stdin pipe costs the CLI a 3 s wait for input.
    stdin: 'ignore',
    reject: false,
    timeout: 25_000,
    extendEnv: false,
    env: {
      PATH: process.env.PATH,
      HOME: where.home,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: 'test-key',
      CLAUDE_CONFIG_DIR: where.configDir,
      CLAUDE_CODE_MAX_RETRIES: '0',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  });
  const lines = child.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    exitCode: child.exitCode,
    stderr: child.stderr,
    lines,
    init: lines.find((line) => line.type === 'system' && line.subtype === 'init'),
    result: lines.findLast((line) => line.type === 'result'),
  };
}
