import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { until } from '../helpers/cto-process.js';
import { planeFixture } from '../helpers/plane-fixture.js';
import { deferred } from '../helpers/test-orchestrator.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixture(options: Parameters<typeof planeFixture>[0] = {}) {
  const f = await planeFixture(options);
  cleanups.push(() => f.close());
  return f;
}

describe('the Plane source', () => {
  it('makes one task of each item in a pick-up state, with its text, type and model from labels', async () => {
    const f = await fixture();
    const footer = f.plane.fileItem(f.web, {
      name: 'Fix the footer',
      state: 'Todo',
      description_html:
        '<p>The footer <strong>overlaps</strong> the cookie banner.</p><ul><li>on mobile</li><li>on <a href="https://acme.test/x">/pricing</a></li></ul>',
      labels: ['type:research', 'model:kimi'],
    });
    f.plane.fileItem(f.web, { name: 'Someday', state: 'Backlog' });
    f.plane.fileItem(f.web, {
      name: 'Odd labels',
      state: 'Todo',
      labels: ['type:chores', 'model:gpt-9'],
    });
    await f.source.poll();
    await f.source.poll();
    const tasks = await f.orchestrator.list();
    expect(tasks).toHaveLength(2);
    const task = tasks.find((t) => t.input.source === 'plane:acme/WEB/1');
    expect(task?.input).toEqual({
      description:
        'Fix the footer\n\nThe footer overlaps the cookie banner.\n\n * on mobile\n * on /pricing [https://acme.test/x]',
      type: 'research',
      model: 'kimi',
      source: 'plane:acme/WEB/1',
    });
    expect(
      (await f.orchestrator.store.taskBySource(`plane:acme/${f.web.id}/${footer.id}`))?.id,
    ).toBe(task?.id);
    const health = f.source.health();
    expect(health).toMatchObject({ state: 'ok', itemsSeen: 3, tasksCreated: 2 });
    expect(health.warnings).toEqual([
      'WEB-3: label "type:chores" names no task type (bash_command, coding, research, analysis, email, deployment)',
      expect.stringMatching(
        /^WEB-3: label "model:gpt-9" names no configured model \(haiku, sonnet, opus, deepseek/,
      ),
    ]);
  });

  it('writes the start and the end on the item once: state moves and comments', async () => {
    const f = await fixture();
    const item = f.plane.fileItem(f.web, { name: 'Add a --json flag to cto perf', state: 'Todo' });
    await f.source.poll();
    await f.orchestrator.resume();
    await until(
      () =>
        f.plane.board.stateOf(item) === 'Done' && f.plane.board.commentsOn(item.id).length === 2,
      'the item written back to',
    );
    const [start, end] = f.plane.board.commentsOn(item.id);
    const [task] = await f.orchestrator.list();
    expect(start?.external_id).toBe(`cto:${task?.id}:start`);
    expect(start?.comment_stripped).toMatch(
      new RegExp(
        `^🤖 Work started as task ${task?.id}: a simple coding task\\.\n\nModel: deepseek: cost-aware: simple coding moved from sonnet to a tool-capable external model, deepseek .*\n\nFollow it with cto status ${task?.id}\\.$`,
      ),
    );
    expect(end?.external_id).toBe(`cto:${task?.id}:end`);
    expect(end?.comment_stripped).toMatch(
      /^✅ Done on deepseek after 1 attempt: 450 tokens, \$0\.\d{4}\.\n\nReviewer: approve \(quality 8\/10\): good\n\nOutput: work of deepseek on Add a --json flag to cto perf\n\nTask [\w-]+: cto status [\w-]+$/,
    );
    // Polls after the end write nothing more.
    await f.source.poll();
    await f.source.poll();
    expect(f.plane.board.commentsOn(item.id)).toHaveLength(2);
    const writes = f.plane.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path.split('/').slice(-3, -1).join('/')}`)).toEqual([
      `POST ${item.id}/comments`,
      `PATCH work-items/${item.id}`,
      `POST ${item.id}/comments`,
      `PATCH work-items/${item.id}`,
    ]);
    expect(writes.map((r) => (r.body as { state?: string }).state ?? null)).toEqual([
      null,
      f.plane.board.stateNamed(f.web.id, 'In Progress').id,
      null,
      f.plane.board.stateNamed(f.web.id, 'Done').id,
    ]);
  });

  it('cancels a task whose item leaves the active states, and one whose item is deleted', async () => {
    const hold = deferred<void>();
    const f = await fixture({
      script: {
        execute: async (call) => {
          await hold.promise;
          return {
            output: `did ${call.task.description}`,
            usage: { inputTokens: 1, outputTokens: 1 },
          };
        },
      },
    });
    cleanups.push(async () => hold.resolve());
    const moved = f.plane.fileItem(f.web, { name: 'Rename the config key', state: 'Todo' });
    const deleted = f.plane.fileItem(f.web, { name: 'Bump the image', state: 'Todo' });
    await f.source.poll();
    await f.orchestrator.resume();
    await until(
      () =>
        f.plane.board.stateOf(moved) === 'In Progress' &&
        f.plane.board.stateOf(deleted) === 'In Progress',
      'both items started',
    );
    // Work moved it to In Progress: still active. A person moves it back to Backlog.
    await f.source.poll();
    expect((await f.orchestrator.list()).map((t) => t.status)).toEqual(['executing', 'executing']);
    f.plane.editItem(moved.id, { state: 'Backlog' });
    f.plane.deleteItem(deleted.id);
    await f.source.poll();
    const byText = async (name: string) =>
      (await f.orchestrator.list()).find((t) => t.input.description === name);
    expect((await byText('Rename the config key'))?.status).toBe('cancelled');
    expect((await byText('Bump the image'))?.status).toBe('cancelled');
    const view = await f.orchestrator.get((await byText('Rename the config key'))?.id ?? '');
    expect(view?.context.outcome?.reason).toBe(
      'the Plane item was moved to "Backlog", out of the active states',
    );
    await until(() => f.plane.board.commentsOn(moved.id).length === 2, 'the end comment');
    expect(f.plane.board.commentsOn(moved.id)[1]?.comment_stripped).toMatch(
      /^⏹️ Stopped on deepseek after 1 attempt: \d+ tokens, \$[\d.]+\.\n\nWhy: the Plane item was moved to "Backlog", out of the active states\n\nTask /,
    );
    // People moved it; work leaves it where they put it.
    expect(f.plane.board.stateOf(moved)).toBe('Backlog');
    await until(
      async () => (await f.orchestrator.store.openSourceTasks('plane:acme/')).length === 0,
      'both ends reported',
    );
  });

  it('gives a queued task the new text of an edited item, before it starts', async () => {
    const f = await fixture();
    const item = f.plane.fileItem(f.web, { name: 'Write the changelog', state: 'Todo' });
    await f.source.poll();
    f.plane.editItem(item.id, {
      name: 'Write the changelog for 0.2',
      description_html: '<p>Only user-facing changes.</p>',
    });
    await f.source.poll();
    const [task] = await f.orchestrator.list();
    expect(task?.input.description).toBe(
      'Write the changelog for 0.2\n\nOnly user-facing changes.',
    );
    await f.orchestrator.resume();
    await until(() => f.ports.calls.some((c) => c.kind === 'classify'), 'the task to start');
    // Started: a later edit changes nothing.
    f.plane.editItem(item.id, { name: 'Something else' });
    await f.source.poll();
    expect((await f.orchestrator.store.getTask(task?.id ?? ''))?.input.description).toBe(
      'Write the changelog for 0.2\n\nOnly user-facing changes.',
    );
  });

  it('never hammers a failing Plane: each failed poll waits twice as long, up to 10 minutes', async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 11, 2));
    const f = await fixture({ clock, section: { poll_interval_seconds: 30 } });
    f.plane.fault({ kind: 'server_error' }, { times: 10_000 });
    const polls: number[] = [];
    const start = clock.now();
    f.source.start();
    const end = start + 60 * 60_000;
    while (clock.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (f.plane.requests.length > polls.length * 4) polls.push(clock.now() - start);
      const due = clock.nextDue;
      if (due !== null) clock.advance(Math.max(0, Math.min(due, end) - clock.now()));
    }
    await f.source.stop();
    // Each poll tries 4 times (1, 2, 4 s apart with jitter), fails, and waits 30 s, 60 s, 120 s …
    expect(f.plane.requests.length).toBe(polls.length * 4);
    const gaps = polls.slice(1).map((at, i) => at - (polls[i] ?? 0));
    expect(gaps.slice(0, 5).map((gap) => Math.round(gap / 30_000))).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10 * 60_000 + 8_000);
    expect(polls.length).toBeLessThanOrEqual(12);
    expect(f.source.health()).toMatchObject({ state: 'failing' });
  });

  it('keeps going when Plane fails: the health says why, the next poll recovers', async () => {
    const f = await fixture();
    f.plane.fileItem(f.web, { name: 'One', state: 'Todo' });
    f.plane.fault({ kind: 'server_error' }, { path: '/work-items/', times: 4 });
    await f.source.poll();
    expect(f.source.health()).toMatchObject({
      state: 'failing',
      lastError: expect.stringMatching(
        /^WEB: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/workspaces\/acme\/projects\/[\w-]+\/work-items\/: Plane answered 500$/,
      ),
    });
    expect(await f.orchestrator.list()).toEqual([]);
    await f.source.poll();
    expect(f.source.health()).toMatchObject({ state: 'ok', lastError: null, tasksCreated: 1 });
    const stored = await f.orchestrator.store.sourceHealth();
    expect(stored.map((r) => [r.source, r.owner, (r.health as { state: string }).state])).toEqual([
      ['plane', 'process-1', 'ok'],
    ]);
  });
});
