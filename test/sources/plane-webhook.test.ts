import { afterEach, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../src/http/change-feed.js';
import { createApi } from '../../src/http/create-api.js';
import { startHttpServer } from '../../src/http/start-http-server.js';
import { registerPlaneWebhook } from '../../src/sources/plane/plane-webhook-route.js';
import { deliver, signedDelivery } from '../../src/testing/plane-webhook-delivery.js';
import { until } from '../helpers/cto-process.js';
import { planeFixture } from '../helpers/plane-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const secret = 'whsec-test-secret';

async function served() {
  const f = await planeFixture({ section: { webhook: { max_age_seconds: 300 } } });
  cleanups.push(() => f.close());
  const api = createApi({ orchestrator: f.orchestrator, source: f.config, feed: new ChangeFeed() });
  registerPlaneWebhook(api.app, { config: f.config, plane: f.source });
  const server = await startHttpServer({ app: api.finish(), port: 0 });
  cleanups.push(() => server.close());
  const hook = `${server.url}hooks/plane`;
  return { ...f, hook };
}

/** A delivery Plane would send for this item, with `data` as given. */
function issueDelivery(data: Record<string, unknown>, key = secret, action = 'update') {
  return signedDelivery(
    'issue',
    { event: 'issue', action, webhook_id: 'w1', workspace_id: 'ws1', data, activity: {} },
    key,
  );
}

describe("Plane's webhooks on cto serve --http", () => {
  it('pick an item up at once, before any poll', async () => {
    const f = await served();
    f.plane.sendWebhooks({ url: f.hook, secret });
    const item = f.plane.fileItem(f.web, { name: 'Triage the flaky test', state: 'Todo' });
    await f.plane.deliveriesSettled();
    expect(f.plane.deliveries.map((d) => d.status)).toEqual([202]);
    await until(async () => (await f.orchestrator.list()).length === 1, 'the task');
    const [task] = await f.orchestrator.list();
    expect(task?.input.source).toBe('plane:acme/WEB/1');
    // Looked up by itself: no list of the project's items was read.
    expect(f.plane.requests.some((r) => r.path.endsWith('/work-items/'))).toBe(false);
    expect(f.plane.requests.some((r) => r.path.endsWith(`/work-items/${item.id}/`))).toBe(true);
    // Deleted on the board: its task is cancelled at once.
    f.plane.deleteItem(item.id);
    await f.plane.deliveriesSettled();
    await until(
      async () => (await f.orchestrator.get(task?.id ?? ''))?.status === 'cancelled',
      'the task cancelled',
    );
    expect(f.source.health().webhooks).toMatchObject({ accepted: 2, refused: 0 });
  });

  it('refuses unsigned, forged, tampered, stale and replayed deliveries, and acts on none of them', async () => {
    const f = await served();
    const item = f.plane.fileItem(f.web, { name: 'Rotate the keys', state: 'Todo' });
    const fresh = { ...item, updated_at: new Date().toISOString() };
    const post = async (delivery: ReturnType<typeof issueDelivery>) => {
      const response = await fetch(f.hook, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      return [response.status, ((await response.json()) as { error?: string }).error ?? 'ok'];
    };
    const good = issueDelivery(fresh);
    const { 'X-Plane-Signature': _none, ...unsignedHeaders } = good.headers;
    expect(await post({ ...good, headers: unsignedHeaders })).toEqual([
      401,
      'unsigned: no X-Plane-Signature',
    ]);
    expect(await post(issueDelivery(fresh, 'not-the-secret'))).toEqual([
      401,
      'the signature does not match the body',
    ]);
    expect(
      await post({ ...good, body: good.body.replace('Rotate the keys', 'Delete the keys') }),
    ).toEqual([401, 'the signature does not match the body']);
    const old = new Date(Date.now() - 20 * 60_000).toISOString();
    expect(await post(issueDelivery({ ...item, updated_at: old }))).toEqual([
      400,
      expect.stringMatching(/^stale: its change is 1[12]\d\d s old \(at most 300 s\)$/),
    ]);
    expect(await f.orchestrator.list()).toEqual([]);
    expect(f.plane.requests).toEqual([]);

    expect(await deliver(f.hook, good)).toBe(202);
    await until(async () => (await f.orchestrator.list()).length === 1, 'the task');
    // The same delivery again, and the same body under a new delivery id.
    expect(await post(good)).toEqual([409, 'replayed: this delivery was taken already']);
    expect(
      await post({ ...good, headers: { ...good.headers, 'X-Plane-Delivery': 'another-id' } }),
    ).toEqual([409, 'replayed: this delivery was taken already']);
    expect(await f.orchestrator.list()).toHaveLength(1);
    expect(f.source.health().webhooks).toMatchObject({ accepted: 1, refused: 6 });
  });

  it('answers 200 to events it does not act on, and 404 when webhooks are not configured', async () => {
    const f = await served();
    const comment = signedDelivery(
      'issue_comment',
      { event: 'issue_comment', action: 'create', data: { id: 'c1' } },
      secret,
    );
    expect(await deliver(f.hook, comment)).toBe(200);
    const unconfigured = await planeFixture();
    cleanups.push(() => unconfigured.close());
    const api = createApi({
      orchestrator: unconfigured.orchestrator,
      source: unconfigured.config,
      feed: new ChangeFeed(),
    });
    registerPlaneWebhook(api.app, { config: unconfigured.config, plane: unconfigured.source });
    const server = await startHttpServer({ app: api.finish(), port: 0 });
    cleanups.push(() => server.close());
    expect(await deliver(`${server.url}hooks/plane`, comment)).toBe(404);
  });
});
