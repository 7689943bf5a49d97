import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const root = join(import.meta.dirname, '..', '..');

/** Lets other users through `dir` and its parents (o+x); gives back what to restore. */
function openTheWay(dir: string): [string, number][] {
  const changed: [string, number][] = [];
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const mode = statSync(current).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      changed.push([current, mode]);
      chmodSync(current, mode | 0o001);
    }
  }
  return changed;
}

describe('read-only commands', () => {
  it('create no file and no directory, in a fresh directory or with a mistyped --store', async () => {
    const sandbox = createSandbox();
    for (const argv of [
      ['status'],
      ['status', '--json'],
      ['list'],
      ['perf'],
      ['graph'],
      ['status', '--simulate'],
    ]) {
      const result = await sandbox.cli(...argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    }
    expect((await sandbox.cli('status')).stdout).toContain('tasks:  none');
    expect((await sandbox.cli('logs')).code).toBe(1);
    const mistyped = await sandbox.cli('status', '--store', 'stat.db');
    expect(mistyped).toMatchObject({
      code: 1,
      stderr: `cto: no store at ${sandbox.cwd}/stat.db\n`,
    });
    const deep = await sandbox.cli('status', '--store', join(sandbox.cwd, 'no/such/dir/x.db'));
    expect(deep.stderr).toBe(`cto: no store at ${sandbox.cwd}/no/such/dir/x.db\n`);
    expect((await sandbox.cli('perf', '--store', 'stat.db')).code).toBe(1);
    expect(readdirSync(sandbox.cwd)).toEqual([]);
  });

  it('read a copy of a store that the user may only read, in a directory they may not write', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.cli('submit', 'Explain the retry policy')).code).toBe(0);
    const copy = join(sandbox.cwd, 'copy');
    mkdirSync(copy);
    copyFileSync(join(sandbox.cwd, '.cto', 'state.db'), join(copy, 'state.db'));
    chmodSync(join(copy, 'state.db'), 0o444);
    chmodSync(copy, 0o555);
    chmodSync(sandbox.cwd, 0o755);
    chmodSync(join(sandbox.cwd, '..'), 0o755);
    // Root reads anything: look as an ordinary user when running as root (as CI does).
    const asUser =
      process.getuid?.() === 0
        ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
        : [];
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const argv = [
      ...asUser,
      process.execPath,
      '--import',
      tsx,
      join(root, 'src/cli/main.ts'),
      'status',
      '--json',
      '--store',
      join(copy, 'state.db'),
    ];
    // The project may sit in a directory only root may enter (CI clones into `mktemp -d`):
    // open the way to it for the ordinary user for as long as the command runs.
    const opened = asUser.length > 0 ? openTheWay(root) : [];
    let out: string;
    try {
      out = execFileSync(argv[0] as string, argv.slice(1), {
        cwd: copy,
        env: { PATH: process.env.PATH ?? '', HOME: copy },
        encoding: 'utf8',
      });
    } finally {
      for (const [dir, mode] of opened) chmodSync(dir, mode);
    }
    expect(JSON.parse(out).tasks).toEqual({ classifying: 1 });
    expect(readdirSync(copy)).toEqual(['state.db']);
    expect(existsSync(join(copy, 'state.db-shm'))).toBe(false);
  }, 30_000);
});
