import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import { type LoadedConfig, loadConfig } from '../../src/config/load-config.js';

/** A throw-away working directory and home, with helpers to write files and run `cto`. */
export interface Sandbox {
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  write(path: string, content: unknown, mode?: number): string;
  cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Loads the configuration this sandbox holds; throws with the problems when it is invalid. */
  load(): LoadedConfig;
  io(): CliIo & { out: string[]; err: string[] };
}

/** A key for every built-in model (placeholders for tests: no provider is ever called). */
export const everyModelKey: Record<string, string> = {
  ANTHROPIC_API_KEY: 'sk-ant-test-0000',
  DEEPSEEK_API_KEY: 'sk-test-deepseek',
  MINIMAX_API_KEY: 'sk-test-minimax',
  KIMI_API_KEY: 'sk-test-kimi',
  GLM_API_KEY: 'sk-test-glm',
  GEMINI_API_KEY: 'sk-test-gemini',
};

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function createSandbox(env: Record<string, string | undefined> = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'cto-test-'));
  made.push(root);
  const cwd = join(root, 'work');
  const home = join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(home);
  const sandbox: Sandbox = {
    cwd,
    home,
    env: { ...env },
    write(path, content, mode = 0o600) {
      const full = path.startsWith('~/') ? join(home, path.slice(2)) : join(cwd, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      chmodSync(full, mode);
      return full;
    },
    io() {
      const out: string[] = [];
      const err: string[] = [];
      return {
        env: sandbox.env,
        cwd,
        homeDir: home,
        out,
        err,
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
      };
    },
    load() {
      const result = loadConfig(sandbox.io());
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.loaded;
    },
    async cli(...argv) {
      const io = sandbox.io();
      const code = await runCli(argv, io);
      return { code, stdout: io.out.join(''), stderr: io.err.join('') };
    },
  };
  return sandbox;
}
