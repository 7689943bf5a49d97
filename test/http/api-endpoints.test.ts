import { afterEach, describe, expect, it } from 'vitest';
import type { ExecuteCall } from '../../src/runtime/model-ports.js';
import { apiServer, taskEnded } from '../helpers/api-server.js';
import { eventually } from '../helpers/test-orchestrator.js';

let server: Awaited<ReturnType<typeof apiServer>> | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** An execution that calls two tools, as the tool loop journals them. */
async function toolingExecute(call: ExecuteCall) {
  await call.journal.append('turn', {
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'a',
          type: 'function',
          function: { name: 'write_file', arguments: '{"path":"x.md"}' },
        },
        {
          id: 'b',
          type: 'function',
          function: { name: 'run_command', arguments: '{"command":"cat x.md"}' },
        },
      ],
    },
    usage: { inputTokens: 10, outputTokens: 5 },
  });
  await call.journal.append('tool-started', { key: '0.0', name: 'write_file' });
  await call.journal.append('tool-finished', { key: '0.0', ok: true, output: 'wrote 3 bytes' });
  await call.journal.append('tool-started', { key: '0.1', name: 'run_command' });
  await call.journal.append('tool-finished', { key: '0.1', ok: false, output: 'exit code 1' });
  return { output: 'the whole output', usage: { inputTokens: 100, outputTokens: 50 } };
}

const done = (id: string) => taskEnded((server as NonNullable<typeof server>).orchestrator, id);

describe('POST /api/tasks', () => {
  it('stores the task with the same input schema as spawn and runs it', async () => {
    server = await apiServer();
    const answer = await server.post('/api/tasks', {
      description: 'Write release notes',
      type: 'email',
      model: 'opus',
      source: 'console',
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      status: 'classifying',
      title: 'Write release notes',
      type: 'email',
    });
    const task = await done(answer.body.id);
    expect(task.status).toBe('done');
    expect(task.input).toEqual({
      description: 'Write release notes',
      type: 'email',
      model: 'opus',
      source: 'console',
    });
    expect(server.ports.calls.some((c) => c.kind === 'execute' && c.model === 'opus')).toBe(true);
  });

  it.each([
    ['malformed JSON', '{"description": ', 400, /Malformed JSON/],
    ['an unknown field', { description: 'x', priority: 'high' }, 400, /Unrecognized key.*priority/],
    [
      'an empty description',
      { description: '  ' },
      400,
      /description: expected a non-empty task description/,
    ],
    ['a wrong type', { description: 'x', type: 'poetry' }, 400, /^type: /],
    ['a 1 MB task', { description: 'x'.repeat(1_000_000) }, 400, /description: .*200,000/],
    ['a body over the limit', { description: 'x'.repeat(1_100_000) }, 413, /over 1048576 bytes/],
    ['not an object', '[1,2]', 400, /expected object/],
  ])(
    'refuses %s with its status and one line, storing nothing',
    async (_what, body, status, message) => {
      server = await apiServer();
      const answer = await server.post('/api/tasks', body);
      expect(answer.status).toBe(status);
      expect(answer.text).not.toContain('\n');
      expect(Object.keys(answer.body)).toEqual(['error']);
      expect(answer.body.error).toMatch(message);
      expect(await server.orchestrator.list()).toEqual([]);
    },
  );

  it('refuses a body that is not JSON with 415', async () => {
    server = await apiServer();
    const answer = await server.call('/api/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'description=x',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatch(/JSON/);
    expect(await server.orchestrator.list()).toEqual([]);
  });
});

describe('GET /api/tasks', () => {
  it('lists newest first with filters by status and model, a page at a time', async () => {
    server = await apiServer();
    const ids: string[] = [];
    for (const model of ['opus', 'sonnet', 'opus']) {
      const { body } = await server.post('/api/tasks', { description: `on ${model}`, model });
      ids.push(body.id);
      await done(body.id);
      server.clock.advance(1_000);
    }
    const cancelled = await server.orchestrator.submit('never run');
    await server.orchestrator.cancel(cancelled);
    const all = await server.call('/api/tasks');
    expect(all.body.tasks.map((t: { id: string }) => t.id)).toEqual([
      cancelled,
      ...[...ids].reverse(),
    ]);
    const opus = await server.call('/api/tasks?model=opus&status=done');
    expect(opus.body.tasks.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[0]]);
    expect(opus.body.tasks[0]).toMatchObject({ model: 'opus', attemptCount: 1, status: 'done' });
    expect(opus.body.tasks[0].tokens).toBeGreaterThan(0);
    const first = await server.call('/api/tasks?limit=2');
    expect(first.body.tasks).toHaveLength(2);
    const second = await server.call(`/api/tasks?limit=2&after=${first.body.next}`);
    expect(second.body.tasks.map((t: { id: string }) => t.id)).toEqual([ids[1], ids[0]]);
    const last = await server.call(`/api/tasks?limit=2&after=${second.body.next}`);
    expect(last.body).toMatchObject({ tasks: [], next: null });
    expect((await server.call('/api/tasks?status=cancelled,blocked')).body.tasks).toHaveLength(1);
  });

  it('lists the readable tasks and gives each unreadable one apart, with why', async () => {
    server = await apiServer();
    const fine = await server.orchestrator.submit('a fine task');
    const stored = (taskId: string, input: unknown, snapshot: Record<string, unknown>) => ({
      taskId,
      input: input as { description: string },
      event: null,
      snapshot,
      status: 'done' as const,
      machineVersion: 1,
      at: server?.clock.now() ?? 0,
    });
    // Written by something else: an input without a description, a context that is not one.
    server.clock.advance(1_000);
    await server.orchestrator.store.commit({
      tasks: [
        stored('no-input', { x: 1 }, {}),
        stored('no-context', { description: 'odd' }, { context: { attempts: 'many' } }),
      ],
    });
    const all = await server.call('/api/tasks');
    expect(all.status).toBe(200);
    expect(all.body.tasks.map((t: { id: string }) => t.id)).toEqual([fine]);
    expect(all.body.unreadable).toEqual([
      {
        id: 'no-context',
        reason: expect.stringMatching(
          /^its stored row cannot be read: its stored snapshot is invalid/,
        ),
      },
      {
        id: 'no-input',
        reason: expect.stringMatching(/^its stored row cannot be read: .*input\.description/),
      },
    ]);
    const paged = await server.call('/api/tasks?limit=1');
    expect(paged.body).toMatchObject({ tasks: [], unreadable: [{ id: 'no-context' }] });
    const rest = await server.call(`/api/tasks?limit=5&after=${paged.body.next}`);
    expect(rest.body.unreadable.map((t: { id: string }) => t.id)).toEqual(['no-input']);
    expect(rest.body.tasks.map((t: { id: string }) => t.id)).toEqual([fine]);
  });

  it.each([
    ['limit=0', /limit: /],
    ['limit=abc', /limit: /],
    ['status=finished', /unknown status finished/],
    ['after=garbage', /after: expected a cursor/],
    ['colour=red', /Unrecognized key.*colour/],
  ])('refuses %s with 400 and one line', async (query, message) => {
    server = await apiServer();
    const answer = await server.call(`/api/tasks?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
  });
});

describe('GET /api/tasks/{id}', () => {
  it('gives decisions with reasons, attempts with tool calls from the journal, reviews and events', async () => {
    server = await apiServer({ script: { execute: toolingExecute } });
    const { body } = await server.post('/api/tasks', { description: 'Fix the failing test' });
    await done(body.id);
    const { status, body: task } = await server.call(`/api/tasks/${body.id}`);
    expect(status).toBe(200);
    expect(task.status).toBe('done');
    expect(task.decisions.at(-1)).toBe('done');
    expect(task.route.reason).toBeTruthy();
    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0]).toMatchObject({
      n: 1,
      turns: 1,
      toolCalls: [
        {
          key: '0.0',
          name: 'write_file',
          arguments: '{"path":"x.md"}',
          ok: true,
          output: 'wrote 3 bytes',
        },
        { key: '0.1', name: 'run_command', ok: false, output: 'exit code 1' },
      ],
      review: { verdict: 'approve' },
    });
    expect(task.attempts[0].usage.inputTokens).toBe(100);
    expect(task.events.map((e: { type: string | null }) => e.type)).toEqual([
      null,
      'CLASSIFIED',
      'EXECUTED',
      'REVIEWED',
    ]);
  });

  it('answers 404 for an unknown id and 400 for one that cannot be an id', async () => {
    server = await apiServer();
    const unknown = await server.call('/api/tasks/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'no task nope' });
    const bad = await server.call(`/api/tasks/${'x'.repeat(65)}`);
    expect(bad.status).toBe(400);
  });
});

describe('POST /api/tasks/{id}/cancel', () => {
  it('cancels a running task (its call aborted), then answers 409; 404 for an unknown id', async () => {
    let aborted = false;
    server = await apiServer({
      script: {
        execute: ({ signal }) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
    });
    const { body } = await server.post('/api/tasks', { description: 'hangs' });
    await eventually(() => server?.ports.calls.some((c) => c.kind === 'execute') ?? false, 5_000);
    const cancel = await server.post(`/api/tasks/${body.id}/cancel`, {
      reason: 'no longer needed',
    });
    expect(cancel).toMatchObject({ status: 200, body: { id: body.id, status: 'cancelled' } });
    expect(aborted).toBe(true);
    expect((await server.orchestrator.get(body.id))?.context.outcome).toEqual({
      status: 'cancelled',
      reason: 'no longer needed',
    });
    const again = await server.post(`/api/tasks/${body.id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already ended: cancelled/);
    expect((await server.post('/api/tasks/nope/cancel', {})).status).toBe(404);
    expect((await server.post(`/api/tasks/${body.id}/cancel`, { why: 1 })).status).toBe(400);
  });

  it('cancels a queued task no process has taken on', async () => {
    server = await apiServer();
    const id = await server.orchestrator.submit('queued');
    const cancel = await server.call(`/api/tasks/${id}/cancel`, { method: 'POST' });
    expect(cancel).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(server.ports.calls).toEqual([]);
  });
});

describe('outputs, replay, status, performance, costs and the machine', () => {
  it('serves an attempt’s whole output on demand, and only an output of that task', async () => {
    server = await apiServer({ script: { execute: toolingExecute } });
    const { body } = await server.post('/api/tasks', { description: 'make output' });
    await done(body.id);
    const task = (await server.call(`/api/tasks/${body.id}`)).body;
    const ref = task.attempts[0].outputRef;
    const output = await server.call(`/api/tasks/${body.id}/outputs/${ref}`);
    expect(output).toMatchObject({ status: 200, text: 'the whole output' });
    expect(output.headers.get('content-type')).toMatch(/text\/plain/);
    const other = await server.orchestrator.store.putBlob('not this task’s');
    expect((await server.call(`/api/tasks/${body.id}/outputs/${other}`)).status).toBe(404);
    expect((await server.call(`/api/tasks/${body.id}/outputs/abc`)).status).toBe(400);
  });

  it('replays the stored events through the machine, state by state', async () => {
    server = await apiServer();
    const { body } = await server.post('/api/tasks', { description: 'replay me' });
    await done(body.id);
    const replay = await server.call(`/api/tasks/${body.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.matches).toBe(true);
    expect(replay.body.steps.map((s: { state: string }) => s.state)).toEqual([
      'classifying',
      'executing',
      'reviewing',
      'done',
    ]);
    expect((await server.call('/api/tasks/nope/replay')).status).toBe(404);
  });

  it('gives status, performance history, cost per day and the task machine', async () => {
    server = await apiServer();
    const { body } = await server.post('/api/tasks', { description: 'count me' });
    await done(body.id);
    const status = await server.call('/api/status');
    expect(status.status).toBe(200);
    expect(status.body.tasks).toEqual({ done: 1 });
    expect(status.body.models.map((m: { id: string }) => m.id)).toContain('deepseek');
    expect(status.body.budgets.scopes.length).toBeGreaterThan(0);
    expect(status.body.config).toMatchObject({ file: null, error: null });
    const performance = await server.call('/api/performance');
    expect(performance.body.rows[0]).toMatchObject({ attempts: 1, approvals: 1, approvalRate: 1 });
    const costs = await server.call('/api/costs?days=3');
    expect(costs.body.days).toHaveLength(3);
    expect(costs.body.days[2].usd).toBeGreaterThan(0);
    expect((await server.call('/api/costs?days=0')).status).toBe(400);
    const machine = await server.call('/api/machines/task');
    expect(machine.body.initial).toBe('classifying');
    expect(
      machine.body.states
        .filter((s: { final: boolean }) => s.final)
        .map((s: { id: string }) => s.id),
    ).toEqual(['done', 'blocked', 'cancelled']);
  });

  it('answers an unknown path with 404 and one line', async () => {
    server = await apiServer();
    const answer = await server.call('/api/nothing');
    expect(answer).toMatchObject({
      status: 404,
      body: { error: expect.stringMatching(/no .*\/api\/nothing/) },
    });
  });
});

describe('/openapi.json', () => {
  it('describes every route, with request schemas generated from the zod schemas', async () => {
    server = await apiServer();
    const { status, body: doc } = await server.call('/openapi.json');
    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/costs',
      '/api/machines/task',
      '/api/performance',
      '/api/status',
      '/api/stream',
      '/api/tasks',
      '/api/tasks/{id}',
      '/api/tasks/{id}/cancel',
      '/api/tasks/{id}/outputs/{ref}',
      '/api/tasks/{id}/replay',
      '/api/tasks/{id}/stream',
    ]);
    const input = doc.paths['/api/tasks'].post.requestBody.content['application/json'].schema;
    expect(input).toMatchObject({
      additionalProperties: false,
      required: ['description'],
      properties: { description: { maxLength: 200_000 } },
    });
    expect(doc.paths['/api/tasks/{id}'].get.responses['404']).toBeDefined();
  });
});

describe('docs/console.md', () => {
  it('holds the API reference the OpenAPI document gives (run `npm run docs:api` when this fails)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { apiReference, openApiDocument, withApiReference } = await import(
      '../../src/http/api-reference.js'
    );
    const { createApi } = await import('../../src/http/create-api.js');
    const file = join(import.meta.dirname, '..', '..', 'docs', 'console.md');
    const document = readFileSync(file, 'utf8');
    const { registerPlaneWebhook } = await import('../../src/sources/plane/plane-webhook-route.js');
    const { app } = createApi({} as never);
    registerPlaneWebhook(app, {} as never);
    expect(withApiReference(document, apiReference(openApiDocument(app, 'docs')))).toBe(document);
  });
});
