import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'cto-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The README's command lines of the `cto` command, as written (comments and `npm run -s cto --` taken off). */
const ctoLines = [...readme.matchAll(/^npm run -s cto -- (.+?)(?:\s+#.*)?$/gm)].map(
  (m) => m[1] as string,
);

/** Runs one of them as a user would, through npm, with the store in a scratch directory. */
async function asWritten(args: string) {
  const argv = [...args.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
  const { stdout } = await run('npm', ['run', '-s', 'cto', '--', ...argv], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, CTO_STORE: join(scratch, 'state.db') },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

describe("the README's commands, as written", () => {
  it('every command line uses the form whose output is the command’s own (npm run -s)', () => {
    expect(readme).not.toMatch(/npm run cto /);
    expect(ctoLines.length).toBeGreaterThan(10);
  });

  it('the first command runs a simulated task; the --json one prints JSON and nothing else', async () => {
    const first = readme.match(/^npm install && npm run -s cto -- (.+)$/m)?.[1];
    expect(first).toBeDefined();
    expect(await asWritten(first as string)).toMatch(/^done: task /m);
    const json = ctoLines.find((line) => line.includes('--simulate') && line.endsWith('--json'));
    expect(json).toBeDefined();
    const outcome = JSON.parse(await asWritten(json as string));
    expect(outcome.status).toBe('done');
    for (const line of ctoLines.filter((l) => /^(status|list|perf|graph|config show)$/.test(l)))
      expect(await asWritten(line), line).not.toBe('');
  }, 120_000);
});
