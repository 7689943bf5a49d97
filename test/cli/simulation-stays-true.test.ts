import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetWindow } from '../../src/routing/budget-window.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { ctoProcess, startCtoProcess, until } from '../helpers/cto-process.js';
import { createSandbox } from '../helpers/sandbox.js';

describe('the simulated demo stays true', () => {
  it('a run killed during its escalated attempt, then resumed, ends as an uninterrupted run does', async () => {
    const sandbox = createSandbox();
    const env = { HOME: sandbox.home };
    const task = ['Add a --json flag to the status command', '--type', 'coding'];
    const whole = await ctoProcess(sandbox.cwd, env, 'run', '--simulate', '--json', ...task);
    expect(JSON.parse(whole.stdout)).toMatchObject({ status: 'done', attempts: 2 });

    const run = startCtoProcess(sandbox.cwd, env, 'run', '--simulate', ...task);
    await until(() => /executing +sonnet +attempt 2/.test(run.output.stdout), 'the sonnet attempt');
    run.child.kill('SIGKILL');
    await run.exited;
    const resumed = await ctoProcess(sandbox.cwd, env, 'resume', '--simulate');
    expect(resumed.stdout).toMatch(/^done +\S+ +sonnet +quality 8 .*approved on attempt 2$/m);
  }, 90_000);

  it("earlier demos' spending does not block the next one; real budgets stay as configured", async () => {
    const sandbox = createSandbox();
    const store = openSqliteStore(join(sandbox.cwd, '.cto', 'simulated', 'state.db'));
    const window = budgetWindow(Date.now());
    // The whole default Claude budget of the day, spent by earlier runs.
    await store.commit({
      settlements: [
        { reservationId: 'earlier', window, scopes: ['group:claude'], tokens: 100_000, usd: 1 },
      ],
    });
    await store.close();
    const result = await sandbox.cli(
      'run',
      '--simulate',
      '--json',
      'Add a flag',
      '--type',
      'coding',
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'done', model: 'sonnet' });
    const real = JSON.parse((await sandbox.cli('status', '--json')).stdout);
    expect(real.budgets.perDay).toEqual({ claude: 100_000, external: 1_000_000 });
  }, 60_000);
});
