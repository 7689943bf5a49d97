import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('everyday commands', () => {
  it('cto list shows stored tasks, newest first, filtered by state, as text or JSON', async () => {
    const sandbox = createSandbox();
    const first = (await sandbox.cli('submit', 'Explain the retry policy')).stdout.trim();
    const second = (await sandbox.cli('submit', 'Write release notes\nwith details')).stdout.trim();
    const text = await sandbox.cli('list');
    expect(text.stdout.split('\n')[0]).toMatch(
      new RegExp(`^${second} +classifying +\\S+ +Write release notes$`),
    );
    expect(text.stdout).toContain(first);
    const cancelled = await sandbox.cli('cancel', first, '--reason', 'not needed');
    expect(cancelled.stdout).toMatch(new RegExp(`^cancelled +${first} .*not needed`));
    const json = JSON.parse((await sandbox.cli('list', '--status', 'cancelled', '--json')).stdout);
    expect(json).toEqual([expect.objectContaining({ id: first, status: 'cancelled' })]);
    expect((await sandbox.cli('list', '--status', 'canceled')).stderr).toContain(
      '--status canceled: no such state',
    );
  });

  it('cto cancel refuses a task that has ended or does not exist, in one line', async () => {
    const sandbox = createSandbox();
    const id = (await sandbox.cli('submit', 'Explain the retry policy')).stdout.trim();
    expect((await sandbox.cli('cancel', id)).code).toBe(0);
    expect(await sandbox.cli('cancel', id)).toMatchObject({
      code: 1,
      stderr: `cto: task ${id} has already ended: cancelled\n`,
    });
    expect((await sandbox.cli('cancel', 'nope')).stderr).toBe('cto: no task nope\n');
  });

  it('cto retry runs an ended task again as a new task linked to it', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const id = (
      await sandbox.cli('submit', 'Explain the retry policy', '--type', 'analysis')
    ).stdout.trim();
    expect((await sandbox.cli('retry', id)).stderr).toContain(`task ${id} is still classifying`);
    await sandbox.cli('cancel', id);
    const retried = await sandbox.cli('retry', id, '--json');
    expect(retried.code).toBe(0);
    const outcome = JSON.parse(retried.stdout);
    expect(outcome).toMatchObject({ status: 'done' });
    expect(outcome.id).not.toBe(id);
    expect((await sandbox.cli('status', outcome.id)).stdout).toContain(`retry of task ${id}`);
  }, 60_000);

  it('takes a task from standard input or a file, and says the size limit when it is passed', async () => {
    const sandbox = createSandbox();
    const io = sandbox.io();
    const { runCli } = await import('../../src/cli/run-cli.js');
    const piped = { ...io, readStdin: async () => 'A task from a pipe\nwith two lines' };
    expect(await runCli(['submit', '-'], piped)).toBe(0);
    const fromPipe = io.out.join('').trim();
    const shown = await sandbox.cli('status', fromPipe, '--json');
    expect(shown.code, `${fromPipe}: ${shown.stderr}`).toBe(0);
    expect(JSON.parse(shown.stdout).context.input.description).toBe(
      'A task from a pipe\nwith two lines',
    );
    sandbox.write('task.md', 'A task from a file');
    const fromFile = (await sandbox.cli('submit', '--file', 'task.md')).stdout.trim();
    expect((await sandbox.cli('status', fromFile)).stdout).toContain('A task from a file');
    sandbox.write('huge.md', 'x'.repeat(1_048_576));
    expect(await sandbox.cli('submit', '--file', 'huge.md')).toMatchObject({
      code: 1,
      stderr:
        "cto: task description: too long: 1,048,576 characters; a task description holds at most 200,000 (put large material in a file in the task's working directory and name it)\n",
    });
    expect((await sandbox.cli('submit', '--file', 'missing.md')).stderr).toBe(
      '--file missing.md: cannot read it (ENOENT)\n',
    );
    expect((await sandbox.cli('submit')).stderr).toContain('give the task');
  });

  it('refuses a missing --workdir or an unknown or disabled --model before anything is stored', async () => {
    const sandbox = createSandbox();
    expect(await sandbox.cli('run', 'Fix it', '--workdir', 'nowhere')).toMatchObject({
      code: 1,
      stderr: `cto: task workdir: ${sandbox.cwd}/nowhere is not a directory\n`,
    });
    const unknown = await sandbox.cli('submit', 'Fix it', '--model', 'deepseak');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^cto: task model: "deepseak" is not a known model; enabled models: haiku, /,
    );
    expect((await sandbox.cli('run', 'Fix it', '--model', 'gemini')).stderr).toMatch(
      /^cto: task model: "gemini" is not enabled;/,
    );
    expect(JSON.parse((await sandbox.cli('list', '--json')).stdout)).toEqual([]);
  });

  it('points at the simulated store where the user did not ask for it', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.cli('submit', '--simulate', 'Explain the retry policy')).code).toBe(0);
    const hint =
      'note: simulated runs are kept apart, in .cto/simulated/state.db; add --simulate to see them (cto status --simulate, cto resume --simulate)\n';
    const status = await sandbox.cli('status');
    expect(status.stdout).toContain('tasks:  none (no store yet)');
    expect(status.stderr).toBe(hint);
    const resumed = await sandbox.cli('resume');
    expect(resumed).toMatchObject({ stdout: 'nothing to resume\n', stderr: hint });
    expect((await sandbox.cli('list')).stderr).toBe(hint);
    expect((await sandbox.cli('status', '--simulate')).stderr).toBe('');
  });
});

describe('keys pasted into a task', () => {
  const keys = [
    'sk-proj-abcdefghijklmnopqrstuvwx',
    'ghp_0123456789abcdefABCDEFghij',
    'AKIAIOSFODNN7EXAMPLE',
  ];

  it('are masked in the log (mode 600), status, its JSON, list and logs, and given whole to the model', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const task = `Deploy with ${keys.join(' and ')}`;
    const run = await sandbox.cli('run', '--json', task, '--type', 'analysis');
    expect(run.code).toBe(0);
    const { id } = JSON.parse(run.stdout);
    const log = join(sandbox.cwd, '.cto', 'simulated', 'cto.log');
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(statSync(join(sandbox.cwd, '.cto', 'simulated', 'state.db')).mode & 0o777).toBe(0o600);
    const shown = [
      (await sandbox.cli('status', id)).stdout,
      (await sandbox.cli('status', id, '--json')).stdout,
      (await sandbox.cli('list', '--json')).stdout,
      (await sandbox.cli('logs', '--json')).stdout,
      (await sandbox.cli('logs')).stdout,
      (await import('node:fs')).readFileSync(log, 'utf8'),
    ].join('\n');
    for (const key of keys) expect(shown).not.toContain(key);
    expect(shown).toContain('Deploy with [redacted] and [redacted] and [redacted]');
    // The task itself is the user's: stored as written, for the model to read.
    const { openSqliteStore } = await import('../../src/store/sqlite-store.js');
    const store = openSqliteStore(join(sandbox.cwd, '.cto', 'simulated', 'state.db'));
    expect((await store.getTask(id))?.input.description).toBe(task);
    await store.close();
  }, 60_000);

  it('are masked where a shortened line cuts them, and in the outcome run prints', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    // Placed so that the tool call's one-line preview (120 characters) ends inside the key.
    const task = `${'a'.repeat(33)} AKIAABCDEFGHIJKLMNOP please`;
    const run = await sandbox.cli('run', '--json', task);
    expect(run.code).toBe(0);
    const log = join(sandbox.cwd, '.cto', 'simulated', 'cto.log');
    const logged = (await import('node:fs')).readFileSync(log, 'utf8');
    expect(logged).toContain('[redacted]…');
    const shown = [run.stdout, logged, (await sandbox.cli('logs')).stdout].join('\n');
    expect(shown).not.toMatch(/AKIAABCD/);
  }, 60_000);
});
