import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { PlaneApiError, PlaneClient } from '../../src/sources/plane/plane-client.js';
import { type PlaneServer, startPlaneServer } from '../../src/testing/plane-server.js';
import { driveClock } from '../helpers/drive-clock.js';

const servers: PlaneServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function setUp(options: { perMinute?: number; key?: string; timeoutMs?: number } = {}) {
  const plane = await startPlaneServer({ workspace: 'acme', maxPerPage: 100 });
  servers.push(plane);
  const clock = new SimulatedClock(1_000_000);
  const client = new PlaneClient({
    baseUrl: plane.url,
    workspace: 'acme',
    apiKey: new Secret(options.key ?? 'plane-test-key'),
    apiKeySource: 'env PLANE_API_KEY',
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRequestsPerMinute: () => options.perMinute ?? 6_000,
    clock,
    random: () => 1,
  });
  const web = plane.addProject('WEB', 'Website');
  return { plane, clock, client, web };
}

const apiPaths = (plane: PlaneServer) =>
  plane.requests.map((r) => `${r.method} ${r.path}${r.query}`);

describe('the Plane client against the local Plane', () => {
  it('follows the cursor through every page of work items', async () => {
    const { plane, clock, client, web } = await setUp();
    for (let i = 1; i <= 250; i++) plane.fileItem(web, { name: `item ${i}` });
    const { value: items } = await driveClock(clock, client.listWorkItems(web.id));
    expect(items.map((i) => i.sequence_id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(apiPaths(plane)).toEqual([
      `GET /api/v1/workspaces/acme/projects/${web.id}/work-items/?per_page=100`,
      `GET /api/v1/workspaces/acme/projects/${web.id}/work-items/?per_page=100&cursor=100%3A1%3A0`,
      `GET /api/v1/workspaces/acme/projects/${web.id}/work-items/?per_page=100&cursor=100%3A2%3A0`,
    ]);
    expect(plane.requests.every((r) => r.authorized)).toBe(true);
  });

  it('waits as a 429 says (Retry-After) before it asks again, and holds every request back meanwhile', async () => {
    const { plane, clock, client, web } = await setUp();
    plane.fault({ kind: 'rate_limit', retryAfterSeconds: 7 }, { path: '/states/' });
    const { value: states, elapsedMs } = await driveClock(clock, client.listStates(web.id));
    expect(states.map((s) => s.name)).toEqual([
      'Backlog',
      'Todo',
      'In Progress',
      'Done',
      'Cancelled',
    ]);
    expect(plane.requests).toHaveLength(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(7_000);
    expect(elapsedMs).toBeLessThan(8_000);
  });

  it('backs off on 5xx and malformed answers, doubling the wait, and gives up after four tries', async () => {
    const { plane, clock, client, web } = await setUp();
    plane.fault({ kind: 'server_error' }, { path: '/labels/', times: 2 });
    plane.fault({ kind: 'malformed' }, { path: '/labels/' });
    const { value: labels, elapsedMs } = await driveClock(clock, client.listLabels(web.id));
    expect(labels).toEqual([]);
    expect(plane.requests).toHaveLength(4);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000 + 2_000 + 4_000);

    plane.fault({ kind: 'server_error' }, { path: '/labels/', times: 4 });
    const failed = driveClock(clock, client.listLabels(web.id));
    await expect(failed).rejects.toThrow(
      new RegExp(
        `^GET ${plane.url}/api/v1/workspaces/acme/projects/${web.id}/labels/: Plane answered 500$`,
      ),
    );
    expect(plane.requests).toHaveLength(8);
  });

  it('gives up on a slow answer after its timeout and tries again', async () => {
    const { plane, clock, client, web } = await setUp({ timeoutMs: 300 });
    plane.fault({ kind: 'hang' }, { path: '/states/' });
    const { value } = await driveClock(clock, client.listStates(web.id));
    expect(value).toHaveLength(5);
    expect(plane.requests).toHaveLength(2);
  });

  it('says in one line that the key was refused, and does not try again', async () => {
    const { plane, clock, client } = await setUp({ key: 'plane-wrong-key' });
    const refused = driveClock(clock, client.listProjects());
    await expect(refused).rejects.toThrow(
      `the API key was refused (401) by ${plane.url}: check PLANE_API_KEY`,
    );
    await expect(refused).rejects.toBeInstanceOf(PlaneApiError);
    expect(plane.requests).toHaveLength(1);
  });

  it('never starts requests faster than its limit allows', async () => {
    const { plane, clock, client, web } = await setUp({ perMinute: 30 });
    for (let i = 1; i <= 5; i++) plane.fileItem(web, { name: `item ${i}` });
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await driveClock(clock, client.listStates(web.id));
      starts.push(clock.now());
    }
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? 0));
    expect(gaps.every((gap) => gap >= 2_000)).toBe(true);
  });

  it('posts a comment once per external id: a second post finds it there (409)', async () => {
    const { plane, clock, client, web } = await setUp();
    const item = plane.fileItem(web, { name: 'Fix the footer' });
    const post = () =>
      driveClock(
        clock,
        client.addComment(web.id, item.id, { html: '<p>hi</p>', externalId: 'cto:t1:start' }),
      );
    expect((await post()).value).toBe('created');
    expect((await post()).value).toBe('exists');
    expect(plane.board.commentsOn(item.id)).toHaveLength(1);
    const comments = (await driveClock(clock, client.listComments(web.id, item.id))).value;
    expect(comments.map((c) => [c.external_id, c.external_source])).toEqual([
      ['cto:t1:start', 'cto-orchestrator'],
    ]);
  });

  it('finds an item gone (404) as null, and moves one to a state', async () => {
    const { plane, clock, client, web } = await setUp();
    const item = plane.fileItem(web, { name: 'Fix the footer', state: 'Todo' });
    const done = plane.board.stateNamed(web.id, 'Done');
    await driveClock(clock, client.moveWorkItem(web.id, item.id, done.id));
    expect(plane.board.stateOf(item)).toBe('Done');
    plane.deleteItem(item.id);
    expect((await driveClock(clock, client.getWorkItem(web.id, item.id))).value).toBeNull();
  });
});
