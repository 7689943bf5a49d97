import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('what the commands say', () => {
  it('logs: each message once, and a word when there is nothing to show', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const { stdout } = await sandbox.cli('run', '--json', 'Add a flag', '--type', 'coding');
    const { id, output } = JSON.parse(stdout);
    // The simulated summary says where the file it wrote is.
    expect(output).toContain(`Wrote ${sandbox.cwd}/.cto/simulated/work/add-a-flag.md`);
    const logs = await sandbox.cli('logs', '--task', id);
    expect(logs.stdout).toContain('write_file');
    expect(logs.stdout).not.toContain('note=');
    expect(await sandbox.cli('logs', '--task', 'nope')).toMatchObject({
      code: 1,
      stderr: `no log lines about task nope in ${sandbox.cwd}/.cto/simulated/cto.log\n`,
    });
    expect((await sandbox.cli('logs', '--simulate', '--store', 'elsewhere/x.db')).stderr).toBe(
      `no log yet at ${sandbox.cwd}/elsewhere/cto.log\n`,
    );
  }, 60_000);

  it('a store damaged inside is named in its one line', async () => {
    const sandbox = createSandbox();
    for (let n = 0; n < 30; n++) {
      sandbox.write('t.md', `task ${n} ${'lorem ipsum '.repeat(300)}`);
      await sandbox.cli('submit', '--file', 't.md');
    }
    const file = join(sandbox.cwd, '.cto', 'state.db');
    // Everything in the file itself, none of it left in the write-ahead log.
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    for (let at = 4096 * 2; at < size; at += 4096) writeSync(fd, Buffer.alloc(8, 0xff), 0, 8, at);
    closeSync(fd);
    const listed = await sandbox.cli('list');
    expect(listed.code).toBe(1);
    expect(listed.stderr).toBe(
      `cto: the SQLite store at ${file}: database disk image is malformed\n`,
    );
  });

  it('the README and run --help say what Ctrl-C exits with', async () => {
    const sandbox = createSandbox();
    const help = await sandbox.cli('run', '--help');
    expect(help.stdout).toMatch(/130/);
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/130 when interrupted/);
  });
});
