import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ctoSystemPrompt } from '../../agents/cto-prompts.js';
import { createConfigSource } from '../../src/config/config-source.js';
import { createOrchestrator } from '../../src/runtime/create-orchestrator.js';
import { openStore } from '../../src/store/open-store.js';
import { startOpenAiCompatibleServer } from '../../src/testing/openai-compatible-server.js';
import type { RecordedRequest } from '../../src/testing/recorded-request.js';
import type { ScriptedServer } from '../../src/testing/start-scripted-server.js';
import { startCtoProcess, until } from '../helpers/cto-process.js';
import { freshDatabase, skipPostgres } from '../helpers/postgres-database.js';
import { createSandbox } from '../helpers/sandbox.js';
import { scriptedPorts } from '../helpers/scripted-ports.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const isCto = (r: RecordedRequest) => JSON.stringify(r.body).includes(ctoSystemPrompt);
const toolResults = (r: RecordedRequest) =>
  ((r.body as { messages?: { role: string }[] }).messages ?? []).filter((m) => m.role === 'tool')
    .length;
const taskOf = (r: RecordedRequest) => /task-(\d+)/.exec(JSON.stringify(r.body))?.[0] ?? 'none';

describe.skipIf(skipPostgres)('several cto serve processes on one PostgreSQL', () => {
  it('work through 300 tasks, one killed with SIGKILL halfway: every task ends exactly once', async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const openAi: ScriptedServer = await startOpenAiCompatibleServer();
    cleanups.push(() => openAi.close());
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      cto_model: 'deepseek',
      worker_models: { external: { deepseek: { max_concurrency: 50 } } },
      provider_endpoints: { deepseek: { api_url: `${openAi.url}/v1` } },
      // Budgets are not what this measures (they are shared and tested on their own).
      cost_optimization: { token_budget_per_day: { claude: 1e12, external: 1e12 } },
    });
    const env = { HOME: sandbox.home, DEEPSEEK_API_KEY: 'sk-test-deepseek-0000' };
    // Classify and approve at once; each execution appends its task to a ledger, then answers.
    openAi.script('deepseek-flash', (r) => {
      const body = JSON.stringify(r.body);
      if (isCto(r)) {
        return body.includes('Classify this task')
          ? {
              text: JSON.stringify({
                complexity: 'simple',
                type: 'coding',
                model: 'deepseek',
                reason: 't',
              }),
            }
          : { text: JSON.stringify({ verdict: 'approve', quality: 9, feedback: 'good' }) };
      }
      if (toolResults(r) === 0) {
        return {
          toolCalls: [
            { name: 'run_command', arguments: { command: `echo ${taskOf(r)} >> ledger.txt` } },
          ],
        };
      }
      return { text: `appended ${taskOf(r)}` };
    });

    const submitter = createOrchestrator({
      ports: scriptedPorts(),
      store: database.url,
      config: createConfigSource({ environment: () => sandbox.io() }),
    });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      ids.push(
        await submitter.submit({ description: `Log task-${i}`, type: 'coding', model: 'deepseek' }),
      );
    }
    const store = submitter.store;
    const done = async () => (await store.countByStatus()).done ?? 0;

    // Named processes, as on separate machines: a dead one's tasks wait for its leases to expire.
    const serve = (n: number) =>
      startCtoProcess(
        sandbox.cwd,
        { ...env, CTO_OWNER: `machine-${n}` },
        '--store',
        database.url,
        'serve',
        '--poll',
        '100',
        '--max-tasks',
        '20',
        '--lease',
        '2000',
      );
    const processes = [serve(1), serve(2), serve(3)];
    cleanups.push(async () => {
      for (const p of processes) p.child.kill('SIGKILL');
    });
    let finished = 0;
    await until(
      async () => {
        finished = await done();
        return finished >= 150;
      },
      '150 tasks done',
      120_000,
    );
    const victim = processes[0];
    if (!victim?.child.pid) throw new Error('no process to kill');
    // The tasks the victim holds at the moment it dies.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const held = (
      await client.query<{ id: string }>(
        `SELECT t.id FROM tasks AS t JOIN task_leases AS l ON l.task_id = t.id
         WHERE l.owner = $1 AND t.status NOT IN ('done', 'blocked', 'cancelled')`,
        ['machine-1'],
      )
    ).rows.map((row) => row.id);
    await client.end();

    await until(async () => (await done()) === 300, 'all 300 tasks done', 180_000);
    for (const p of processes.slice(1)) p.child.kill('SIGTERM');
    await Promise.all(processes.slice(1).map((p) => p.exited));

    // None lost, none finished twice.
    expect(await store.countByStatus()).toEqual({ done: 300 });
    let approvals = 0;
    let repeatedToolCalls = 0;
    for (const id of ids) {
      const events = await store.events(id);
      approvals += events.filter(
        (e) => e.event?.type === 'REVIEWED' && e.event.verdict === 'approve',
      ).length;
      const finishedKeys = (await store.journal(id))
        .filter((e) => e.kind === 'tool-finished')
        .map((e) => (e.data as { key: string }).key);
      repeatedToolCalls += finishedKeys.length - new Set(finishedKeys).size;
    }
    expect(approvals).toBe(300);
    expect(repeatedToolCalls).toBe(0);
    // Every task's command ran, but for a command the kill cut short: its task was told the call
    // was interrupted, not made to run it again. Only the victim's tasks can be short of it, or
    // have run it twice.
    const ledger = readFileSync(join(sandbox.cwd, 'ledger.txt'), 'utf8').trim().split('\n');
    const missing = ids.filter((_, i) => !ledger.includes(`task-${i}`));
    expect(missing.filter((id) => !held.includes(id))).toEqual([]);
    expect(ledger.length - new Set(ledger).size).toBeLessThanOrEqual(held.length);

    // The takeover: the first step any other process stored for a task the victim held.
    const after = await Promise.all(
      held.map(async (id) => (await store.events(id)).find((e) => e.at > killedAt)?.at ?? null),
    );
    const firsts = after.filter((at): at is number => at !== null);
    expect(firsts.length).toBe(held.length);
    const takeoverMs = firsts.length ? Math.min(...firsts) - killedAt : 0;
    console.log(
      `scale-out: 300 tasks on 3 processes; killed one holding ${held.length} task(s) at ${finished} done; first takeover ${takeoverMs} ms after the kill (lease 2,000 ms); ${ledger.length - new Set(ledger).size} command(s) run twice, ${missing.length} cut short`,
    );
    await submitter.stop();
  }, 300_000);

  it('wakes an idle cto serve at once when a task is submitted (LISTEN/NOTIFY), not at its next poll', async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const sandbox = createSandbox();
    const env = { HOME: sandbox.home };
    // Polling once a minute: only the notification can start the task within the test.
    const serve = startCtoProcess(
      sandbox.cwd,
      env,
      '--store',
      database.url,
      '--simulate',
      'serve',
      '--poll',
      '60000',
    );
    cleanups.push(async () => {
      serve.child.kill('SIGKILL');
    });
    await until(() => serve.output.stderr.includes('serving tasks'), 'cto serve to start', 30_000);
    // Give the listener its connection before the task is sent.
    const store = openStore(database.url, sandbox.cwd);
    cleanups.push(() => store.close());
    await store.countByStatus();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const submitted = await sandbox.cli(
      '--store',
      database.url,
      'submit',
      'Explain the retry policy',
      '--type',
      'analysis',
      '--json',
    );
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    await until(
      async () => (await store.getTask(id))?.status !== 'classifying',
      'the task to start',
      30_000,
    );
    serve.child.kill('SIGTERM');
  }, 60_000);
});
