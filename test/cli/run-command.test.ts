import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

// `--simulate` runs whole orchestrations on the local servers: the real openai SDK, the real
// Claude Code CLI, the real tool worker.
describe('cto run --simulate', () => {
  it('shows the whole orchestration live and exits 0 when the task is done', async () => {
    const sandbox = createSandbox();
    const { code, stdout, stderr } = await sandbox.cli(
      'run',
      '--simulate',
      'Add a --json flag to the status command',
      '--type',
      'coding',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^classifying {2}cto/);
    expect(stdout).toContain('  - classified as simple coding');
    expect(stdout).toMatch(
      / {2}- route: cost-aware: simple coding moved from \w+ to a tool-capable external model/,
    );
    expect(stdout).toMatch(
      / {4}\w+ execute: write_file \{"path":"add-a-json-flag-to-the-status-command.md"/,
    );
    expect(stdout).toContain('  - attempt 1: review rejected (quality 4)');
    expect(stdout).toMatch(/ {2}- escalated to sonnet/);
    expect(stdout).toMatch(/done: task \S+ on sonnet after 2 attempt\(s\), quality 8\/10/);
    // The scratch directory holds what the workers wrote; the user's directory is untouched.
    expect(
      existsSync(
        join(sandbox.cwd, '.cto', 'simulated', 'work', 'add-a-json-flag-to-the-status-command.md'),
      ),
    ).toBe(true);
    expect(readdirSync(sandbox.cwd)).toEqual(['.cto']);
  }, 60_000);

  it('prints the outcome as JSON with --json', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const { code, stdout } = await sandbox.cli(
      'run',
      'Research vector databases',
      '--type',
      'research',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'done', attempts: 2, quality: 8 });
  }, 60_000);

  it('runs with a Claude model as the CTO (classify and review through Claude Code)', async () => {
    const sandbox = createSandbox({ CTO_MODEL: 'sonnet' });
    const { code, stdout } = await sandbox.cli(
      'run',
      '--simulate',
      'Write the changelog',
      '--type',
      'coding',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('  - classified as simple coding; the CTO recommends');
    expect(stdout).not.toContain('heuristic');
    expect(stdout).toContain('  - attempt 1: review rejected (quality 4)');
  }, 60_000);

  it('exits 2 when the task is blocked', async () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', { max_attempts: 1 });
    const { code, stdout } = await sandbox.cli(
      'run',
      '--simulate',
      'Summarise the changelog',
      '--type',
      'analysis',
    );
    expect(code).toBe(2);
    expect(stdout).toMatch(/^blocked: task \S+ on \w+ after 1 attempt\(s\)/m);
  }, 60_000);

  it('refuses an empty task or a bad option in one line, exit 1', async () => {
    const sandbox = createSandbox();
    expect(await sandbox.cli('run', '--simulate', '  ')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'cto: task description: expected a non-empty task description\n',
    });
    const badType = await sandbox.cli('run', 'x', '--type', 'poetry');
    expect(badType.code).toBe(1);
    expect(badType.stderr).toMatch(/option '--type <type>' argument 'poetry' is invalid/);
  });

  it('says in one line when the store cannot be opened', async () => {
    const sandbox = createSandbox();
    const unreachable = await sandbox.cli('--store', 'postgres://nohost.invalid/cto', 'status');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^cto: cannot open the PostgreSQL store at postgres:\/\/nohost\.invalid\/cto: [^\n]+\n$/,
    );
    expect((await sandbox.cli('--store', 'mysql://db/cto', 'status')).stderr).toBe(
      'cto: mysql://db/cto: not a store this version can open; use a SQLite file or a postgres:// URL\n',
    );
    expect((await sandbox.cli('--store', 'sqlite:', 'status')).stderr).toBe(
      'cto: sqlite: needs a file path, e.g. sqlite:.cto/state.db\n',
    );
  });
});

describe('cto submit, resume, status and logs', () => {
  it('queues a task, shows it, resumes it to its end, and shows its story and its log', async () => {
    // Every command here simulates, and so uses the simulated store, apart from real work.
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const submitted = await sandbox.cli(
      'submit',
      'Explain the retry policy',
      '--type',
      'analysis',
      '--json',
    );
    expect(submitted.code).toBe(0);
    const { id } = JSON.parse(submitted.stdout) as { id: string };

    const before = await sandbox.cli('status');
    expect(before.stdout).toContain('tasks:  classifying 1');
    expect(before.stdout).toMatch(/log: {4}.*\.cto\/simulated\/cto\.log/);
    expect(before.stdout).toMatch(/gemini {5}text-only {5}disabled/);
    expect(before.stdout).toMatch(
      // Simulated runs are held to simulation's own budgets, and shown against them.
      /tokens today: {2}claude 0 of 1,000,000,000, external 0 of 1,000,000,000 \(budget day \d{4}-\d\d-\d\d, UTC\+00:00; settled and reserved; when over budget: block\)\n$/,
    );

    const resumed = await sandbox.cli('resume', '--simulate');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^done +${id} `));
    expect(resumed.stderr).toContain('resuming 1 task(s)');
    expect((await sandbox.cli('resume')).stdout).toBe('nothing to resume\n');

    const story = await sandbox.cli('status', id);
    expect(story.stdout).toContain(`task ${id}: done`);
    expect(story.stdout).toMatch(/attempt 1 on \w+, \d+ tokens, \$[\d.]+, reject \(quality 4\)/);
    // The learned choice keeps its figures: the chosen model is starred.
    expect(story.stdout).toContain('  routing estimates (approval chance');
    expect(story.stdout).toMatch(
      /^ {3}\*(kimi|glm) +p=0\.\d\d +\$[\d.]+ a try +\$[\d.]+ to approval {2}via \w+ → /m,
    );
    const after = await sandbox.cli('status');
    expect(after.stdout).toMatch(/^ {2}(kimi|glm) +[\d,]+ tokens, \$[\d.]+$/m);
    const json = JSON.parse((await sandbox.cli('status', '--json')).stdout);
    expect(json.tasks).toEqual({ done: 1 });
    expect(json.budgets.usedToday.external).toBeGreaterThan(0);
    expect(json.models.find((m: { id: string }) => m.id === 'gemini')).toMatchObject({
      enabled: false,
    });
    expect((await sandbox.cli('status', 'nope')).stderr).toMatch(
      /^no task nope in \.cto\/simulated\/state\.db/,
    );
    sandbox.env.CTO_SIMULATE = undefined;
    expect(JSON.parse((await sandbox.cli('status', '--json')).stdout).tasks).toEqual({});
    sandbox.env.CTO_SIMULATE = '1';

    const logs = await sandbox.cli('logs', '--task', id);
    expect(logs.code).toBe(0);
    const lines = logs.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z info {2}classifying: submitted taskId=/);
    expect(lines.every((line) => line.includes(`taskId=${id}`))).toBe(true);
    const raw = (await sandbox.cli('logs', '--json')).stdout.trim().split('\n');
    expect(raw.some((line) => JSON.parse(line).phase === 'done')).toBe(true);
    expect(raw.join('\n')).not.toContain('simulated-key');
  }, 60_000);
});
