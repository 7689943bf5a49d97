import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback, startHttpServer } from '../../src/http/start-http-server.js';
import { apiServer, readStream, taskEnded } from '../helpers/api-server.js';
import { ctoProcess } from '../helpers/cto-process.js';
import { createSandbox } from '../helpers/sandbox.js';

let server: Awaited<ReturnType<typeof apiServer>> | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const ended = (id: string) => taskEnded((server as NonNullable<typeof server>).orchestrator, id);

describe('who may call the API', () => {
  it('needs the bearer token when one is set: missing or wrong is 401 and nothing is stored', async () => {
    server = await apiServer({ token: 'a-long-shared-token-1234' });
    const missing = await server.post('/api/tasks', { description: 'x' });
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/token/);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await server.post(
      '/api/tasks',
      { description: 'x' },
      { Authorization: 'Bearer a-long-shared-token-1235' },
    );
    expect(wrong.status).toBe(401);
    expect((await server.call('/openapi.json')).status).toBe(401);
    expect(await server.orchestrator.list()).toEqual([]);
    const right = await server.post(
      '/api/tasks',
      { description: 'x' },
      { Authorization: 'Bearer a-long-shared-token-1234' },
    );
    expect(right.status).toBe(201);
    const list = await server.call('/api/tasks', {
      headers: { Authorization: 'Bearer a-long-shared-token-1234' },
    });
    expect(list.body.tasks).toHaveLength(1);
  });

  it('refuses a request from another origin (403), storing nothing', async () => {
    server = await apiServer();
    const foreign = await server.post(
      '/api/tasks',
      { description: 'x' },
      { Origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatch(/another origin/);
    const crossSite = await server.post(
      '/api/tasks',
      { description: 'x' },
      { 'Sec-Fetch-Site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(await server.orchestrator.list()).toEqual([]);
    const own = new URL(server.url).origin;
    expect((await server.post('/api/tasks', { description: 'x' }, { Origin: own })).status).toBe(
      201,
    );
    // No CORS header is ever given: a foreign page cannot read an answer either.
    const read = await server.call('/api/tasks', { headers: { Origin: 'http://evil.example' } });
    expect(read.status).toBe(403);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a Host it does not serve (DNS rebinding): 403', async () => {
    server = await apiServer();
    const { request } = await import('node:http');
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/tasks',
          headers: { Host: `rebound.example:${url.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    const { OpenAPIHono } = await import('@hono/zod-openapi');
    await expect(
      startHttpServer({ app: new OpenAPIHono(), host: '0.0.0.0', port: 0 }),
    ).rejects.toThrow(/binding to 0.0.0.0 needs a token: set CTO_HTTP_TOKEN/);
    const sandbox = createSandbox();
    const cli = await ctoProcess(
      sandbox.cwd,
      { HOME: sandbox.cwd },
      'serve',
      '--http',
      '0',
      '--host',
      '0.0.0.0',
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([
      'binding to 0.0.0.0 needs a token: set CTO_HTTP_TOKEN (every API request must then send it as Authorization: Bearer …)',
    ]);
  });
});

describe('no key in any response', () => {
  it('masks a key placed in a task’s text, its output and its review, on every endpoint and stream', async () => {
    const keys = [
      'sk-proj-abcdefghijklmnop1234',
      'ghp_abcdefghijklmnopqrstuvwx',
      'AKIAABCDEFGHIJKLMNOP',
    ];
    server = await apiServer({
      script: {
        execute: async () => ({
          output: `used ${keys[1]}`,
          usage: { inputTokens: 1, outputTokens: 1 },
        }),
        review: async () => ({
          verdict: 'approve',
          quality: 9,
          feedback: `fine, but rotate ${keys[2]}`,
          usage: { inputTokens: 1, outputTokens: 1 },
        }),
      },
    });
    const streamed = readStream(`${server.url}api/stream`, {}, (seen) =>
      seen.some((e) => e.event === 'task' && JSON.parse(e.data).status === 'done'),
    );
    const { body, text: submitted } = await server.post('/api/tasks', {
      description: `deploy with ${keys[0]}`,
    });
    const task = await ended(body.id);
    expect(task.input.description).toContain(keys[0]); // the model is given what the user wrote
    const detail = await server.call(`/api/tasks/${body.id}`);
    const ref = detail.body.attempts[0].outputRef;
    const answers = [
      submitted,
      detail.text,
      (await server.call('/api/tasks')).text,
      (await server.call(`/api/tasks/${body.id}/outputs/${ref}`)).text,
      (await server.call(`/api/tasks/${body.id}/replay`)).text,
      (await server.call('/api/status')).text,
      JSON.stringify((await streamed).events),
      JSON.stringify(
        (
          await readStream(`${server.url}api/tasks/${body.id}/stream`, {}, (seen) =>
            seen.some((e) => e.event === 'end'),
          )
        ).events,
      ),
    ];
    expect(detail.text).toContain('[redacted]');
    for (const answer of answers) for (const key of keys) expect(answer).not.toContain(key);
  });
});

describe('live streams', () => {
  it('streams every task change, and resumes after Last-Event-ID with what was missed', async () => {
    server = await apiServer();
    const { streamFrom } = (await server.call('/api/tasks')).body;
    expect(streamFrom).toBeNull();
    const live = readStream(`${server.url}api/stream`, {}, (seen) =>
      seen.some((e) => e.event === 'task' && JSON.parse(e.data).status === 'done'),
    );
    const { body } = await server.post('/api/tasks', { description: 'watch me' });
    const { status, events } = await live;
    expect(status).toBe(200);
    const states = events.filter((e) => e.event === 'task').map((e) => JSON.parse(e.data).status);
    expect(states[0]).toBe('classifying');
    expect(states.at(-1)).toBe('done');
    expect(events.every((e) => e.event !== 'task' || JSON.parse(e.data).id === body.id)).toBe(true);
    // Reconnecting after the second change gets the rest, and nothing before it.
    const second = events.filter((e) => e.event === 'task')[1];
    const resumed = await readStream(
      `${server.url}api/stream`,
      { 'Last-Event-ID': second?.id ?? '' },
      (seen) => seen.some((e) => e.event === 'task' && JSON.parse(e.data).status === 'done'),
    );
    const ids = events.filter((e) => e.event === 'task').map((e) => e.id);
    expect(resumed.events.map((e) => e.id)).toEqual(ids.slice(2));
    // An id this process never gave: the reader is told to reload.
    const stale = await readStream(
      `${server.url}api/stream?since=0000-1`,
      {},
      (seen) => seen.length > 0,
    );
    expect(stale.events[0]?.event).toBe('reset');
  });

  it("streams one task's stored steps from the store, resumable by sequence number, and ends", async () => {
    server = await apiServer();
    const { body } = await server.post('/api/tasks', { description: 'step by step' });
    await ended(body.id);
    const all = await readStream(`${server.url}api/tasks/${body.id}/stream`, {}, (seen) =>
      seen.some((e) => e.event === 'end'),
    );
    expect(all.events.filter((e) => e.event === 'step').map((e) => e.id)).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(JSON.parse(all.events.at(-1)?.data ?? '{}')).toEqual({ status: 'done' });
    const later = await readStream(
      `${server.url}api/tasks/${body.id}/stream`,
      { 'Last-Event-ID': '2' },
      (seen) => seen.some((e) => e.event === 'end'),
    );
    expect(
      later.events.filter((e) => e.event === 'step').map((e) => JSON.parse(e.data).type),
    ).toEqual(['EXECUTED', 'REVIEWED']);
    expect((await server.call('/api/tasks/nope/stream')).status).toBe(404);
    expect((await server.call(`/api/tasks/${body.id}/stream?since=-1`)).status).toBe(400);
  });
});
