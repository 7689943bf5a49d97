import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ctoSystemPrompt } from '../../agents/cto-prompts.js';
import { openStore } from '../../src/store/open-store.js';
import { startOpenAiCompatibleServer } from '../../src/testing/openai-compatible-server.js';
import { type PlaneServer, startPlaneServer } from '../../src/testing/plane-server.js';
import type { RecordedRequest } from '../../src/testing/recorded-request.js';
import type { ScriptedServer } from '../../src/testing/start-scripted-server.js';
import { ctoProcess, startCtoProcess, until } from '../helpers/cto-process.js';
import { planeSection } from '../helpers/plane-fixture.js';
import { freshDatabase, skipPostgres } from '../helpers/postgres-database.js';
import { createSandbox } from '../helpers/sandbox.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const isCto = (r: RecordedRequest) => JSON.stringify(r.body).includes(ctoSystemPrompt);

/**
 * A local Plane with project WEB, a local OpenAI-compatible server whose deepseek classifies,
 * answers (after `executeDelay()` ms) and approves, and a sandbox configured for both.
 */
async function setUp(options: { executeDelay?: () => number; planeKey?: string } = {}) {
  const plane = await startPlaneServer({ workspace: 'acme' });
  cleanups.push(() => plane.close());
  const web = plane.addProject('WEB', 'Website');
  const openAi: ScriptedServer = await startOpenAiCompatibleServer();
  cleanups.push(() => openAi.close());
  openAi.script('deepseek-flash', async (r) => {
    const body = JSON.stringify(r.body);
    if (isCto(r)) {
      return body.includes('Classify this task')
        ? {
            text: JSON.stringify({
              complexity: 'simple',
              type: 'analysis',
              model: 'deepseek',
              reason: 'scripted',
            }),
          }
        : { text: JSON.stringify({ verdict: 'approve', quality: 9, feedback: 'clear and right' }) };
    }
    const delay = options.executeDelay?.() ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return { text: 'Looked into it: the cause is the cache key.' };
  });
  const sandbox = createSandbox();
  sandbox.write('orchestrator_config.json', {
    cto_model: 'deepseek',
    worker_models: { external: { deepseek: { max_concurrency: 50 } } },
    provider_endpoints: { deepseek: { api_url: `${openAi.url}/v1` } },
    cost_optimization: { token_budget_per_day: { claude: 1e12, external: 1e12 } },
    task_sources: { plane: planeSection(plane) },
  });
  const env = {
    HOME: sandbox.home,
    DEEPSEEK_API_KEY: 'sk-test-deepseek-0000',
    PLANE_API_KEY: options.planeKey ?? 'plane-test-key',
  };
  return { plane, web, openAi, sandbox, env };
}

/** The comments on an item by the step they report (`start`, `end`). */
function stepsOf(plane: PlaneServer, itemId: string): string[] {
  return plane.board
    .commentsOn(itemId)
    .map((c) => c.external_id?.split(':')[2] ?? 'foreign')
    .sort();
}

describe.skipIf(skipPostgres)('cto serve on Plane, three processes on one PostgreSQL', () => {
  it('makes one task of each item, one killed mid-way: each item done and told so once', async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const { plane, web, sandbox, env } = await setUp({ executeDelay: () => 300 });
    const items = Array.from({ length: 30 }, (_, i) =>
      plane.fileItem(web, {
        name: `Investigate slow page ${i + 1}`,
        state: 'Todo',
        labels: ['model:deepseek'],
        description_html: `<p>Page <code>/p/${i + 1}</code> takes 4 s.</p>`,
      }),
    );
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
        '4',
        '--lease',
        '2000',
      );
    const processes = [serve(1), serve(2), serve(3)];
    cleanups.push(async () => {
      for (const p of processes) p.child.kill('SIGKILL');
    });
    const doneOnBoard = () => items.filter((i) => plane.board.stateOf(i) === 'Done').length;
    await until(() => doneOnBoard() >= 8, '8 items done', 120_000);
    const victim = processes[0];
    victim?.child.kill('SIGKILL');
    await victim?.exited;
    await until(() => doneOnBoard() === 30, 'all 30 items done on the board', 180_000);
    const store = openStore(database.url, sandbox.cwd);
    cleanups.push(() => store.close());
    await until(
      async () => (await store.openSourceTasks('plane:acme/')).length === 0,
      'every end reported',
      60_000,
    );
    for (const p of processes.slice(1)) p.child.kill('SIGTERM');
    await Promise.all(processes.slice(1).map((p) => p.exited));

    // One task per item: 30 tasks, 30 distinct source keys, all done.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ tasks: string; keys: string; done: string }>(
      `SELECT COUNT(*) AS tasks, COUNT(DISTINCT source_key) AS keys,
         COUNT(*) FILTER (WHERE status = 'done') AS done FROM tasks`,
    );
    await client.end();
    expect(rows[0]).toEqual({ tasks: '30', keys: '30', done: '30' });
    for (const item of items) {
      const task = await store.taskBySource(`plane:acme/${web.id}/${item.id}`);
      expect(task?.status).toBe('done');
      // Its end told once; its start at most once (a task a process found already ended has none).
      const steps = stepsOf(plane, item.id);
      expect(steps.filter((s) => s === 'end')).toHaveLength(1);
      expect(steps.filter((s) => s === 'start').length).toBeLessThanOrEqual(1);
      expect(steps.every((s) => s === 'start' || s === 'end')).toBe(true);
    }
    const starts = items.filter((i) => stepsOf(plane, i.id).includes('start')).length;
    const polls = plane.requests.filter((r) => r.path.endsWith('/work-items/')).length;
    console.log(
      `plane: 30 items on 3 processes, one killed at ${8}+ done: 30 tasks, 30 end comments, ${starts} start comments, ${plane.requests.length} Plane requests (${polls} item listings)`,
    );
  }, 300_000);
});

describe('cto serve on Plane', () => {
  it('writes back after a crash without a second comment', async () => {
    // The first process dies mid-task; the second takes a few seconds over it, so the start is
    // still due when it takes the task on.
    let slow = true;
    const { plane, web, sandbox, env } = await setUp({
      executeDelay: () => (slow ? 60_000 : 3_000),
    });
    const item = plane.fileItem(web, {
      name: 'Explain the retry policy',
      state: 'Todo',
      labels: ['model:deepseek'],
    });
    // Moving the item to In Progress never answers: the process dies with its comment posted
    // and the write-back unfinished.
    plane.fault({ kind: 'hang' }, { method: 'PATCH' });
    const args = ['serve', '--poll', '100', '--lease', '1000'];
    const first = startCtoProcess(sandbox.cwd, env, ...args);
    cleanups.push(async () => {
      first.child.kill('SIGKILL');
    });
    await until(
      () => plane.requests.some((r) => r.method === 'PATCH'),
      'the start comment posted and the move under way',
      60_000,
    );
    expect(stepsOf(plane, item.id)).toEqual(['start']);
    first.child.kill('SIGKILL');
    await first.exited;
    slow = false;
    const second = startCtoProcess(sandbox.cwd, env, ...args);
    cleanups.push(async () => {
      second.child.kill('SIGKILL');
    });
    await until(
      () => plane.board.stateOf(item) === 'Done' && stepsOf(plane, item.id).length === 2,
      'the item done and told so',
      60_000,
    );
    second.child.kill('SIGTERM');
    await second.exited;
    expect(stepsOf(plane, item.id)).toEqual(['end', 'start']);
    // The second process looked for its comment before posting again.
    const lookups = plane.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith(`/work-items/${item.id}/comments/`),
    );
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(plane.board.stateOf(item)).toBe('Done');
  }, 120_000);

  it('takes signed webhooks on cto serve --http: an item filed after a poll is done before the next', async () => {
    const { plane, web, sandbox, env } = await setUp();
    sandbox.write('orchestrator_config.json', {
      ...JSON.parse(readFileSync(join(sandbox.cwd, 'orchestrator_config.json'), 'utf8')),
      task_sources: { plane: planeSection(plane, { poll_interval_seconds: 3600, webhook: {} }) },
    });
    const serve = startCtoProcess(
      sandbox.cwd,
      { ...env, PLANE_WEBHOOK_SECRET: 'whsec-cli-test' },
      'serve',
      '--http',
      '0',
      '--poll',
      '100',
    );
    cleanups.push(async () => {
      serve.child.kill('SIGKILL');
    });
    const listings = () => plane.requests.filter((r) => r.path.endsWith('/work-items/')).length;
    await until(() => listings() === 1, 'the first poll', 60_000);
    const url = /console: open (http:\/\/\S+\/) /.exec(serve.output.stderr)?.[1];
    plane.sendWebhooks({ url: `${url}hooks/plane`, secret: 'whsec-cli-test' });
    const item = plane.fileItem(web, {
      name: 'Check the backup job',
      state: 'Todo',
      labels: ['model:deepseek'],
    });
    await until(() => plane.board.stateOf(item) === 'Done', 'the item done', 60_000);
    await plane.deliveriesSettled();
    expect(plane.deliveries[0]?.status).toBe(202);
    expect(listings()).toBe(1);
    expect(stepsOf(plane, item.id)).toEqual(['end', 'start']);
    serve.child.kill('SIGTERM');
    await serve.exited;
  }, 120_000);

  it('shows a refused key in one line of cto status, and keeps serving tasks from elsewhere', async () => {
    const { sandbox, env } = await setUp({ planeKey: 'plane-wrong-key' });
    const serve = startCtoProcess(sandbox.cwd, env, 'serve', '--poll', '100');
    cleanups.push(async () => {
      serve.child.kill('SIGKILL');
    });
    const submitted = await ctoProcess(
      sandbox.cwd,
      env,
      'submit',
      'Summarise the incident notes',
      '--model',
      'deepseek',
      '--json',
    );
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    await until(
      async () => (await ctoProcess(sandbox.cwd, env, 'status', id)).stdout.includes(': done'),
      'the submitted task done',
      60_000,
    );
    let status = '';
    await until(
      async () => {
        status = (await ctoProcess(sandbox.cwd, env, 'status')).stdout;
        return status.includes('FAILING');
      },
      'the failure in cto status',
      30_000,
    );
    const lines = status.split('\n').filter((line) => /plane/i.test(line));
    expect(lines).toEqual([
      expect.stringMatching(
        /^ {2}plane acme \(WEB\): FAILING: the API key was refused \(401\) by http:\/\/127\.0\.0\.1:\d+: check PLANE_API_KEY \(since \S+; last poll \d+ s ago\)$/,
      ),
    ]);
    expect(status).not.toContain('plane-wrong-key');
    expect(serve.child.exitCode).toBeNull();
    // The log says why too, and holds no key either.
    const log = readFileSync(join(sandbox.cwd, '.cto', 'cto.log'), 'utf8');
    expect(log).toContain('the API key was refused (401)');
    expect(log).not.toContain('plane-wrong-key');
  }, 120_000);
});
