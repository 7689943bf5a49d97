import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { createConfigSource } from '../../src/config/config-source.js';
import { ChangeFeed } from '../../src/http/change-feed.js';
import { createApi } from '../../src/http/create-api.js';
import { startHttpServer } from '../../src/http/start-http-server.js';
import type { Orchestrator } from '../../src/runtime/create-orchestrator.js';
import { createSandbox } from './sandbox.js';
import type { Script } from './scripted-ports.js';
import { testOrchestrator } from './test-orchestrator.js';

/**
 * The HTTP API on a free loopback port over a test orchestrator (scripted ports, in-memory
 * store). A submitted task is taken on at once, as `cto serve` does.
 */
export async function apiServer(options: { script?: Script; token?: string } = {}) {
  const feed = new ChangeFeed();
  const sandbox = createSandbox();
  const source = createConfigSource({ environment: () => sandbox.io() });
  const { orchestrator, ports, clock } = testOrchestrator({
    ...(options.script ? { script: options.script } : {}),
    config: source,
    onChange: feed.changed,
    onProgress: feed.activity,
  });
  const api = createApi(
    {
      orchestrator,
      source,
      feed,
      onSubmitted: () => void orchestrator.resume(),
      now: () => clock.now(),
      pollMs: 50,
    },
    { ...(options.token ? { token: options.token } : {}) },
  );
  const server = await startHttpServer({
    app: api.finish(),
    port: 0,
    ...(options.token ? { token: options.token } : {}),
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(path, server.url), init);
    const text = await response.text();
    return {
      status: response.status,
      text,
      body: text.startsWith('{') ? JSON.parse(text) : text,
      headers: response.headers,
    };
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    url: server.url,
    orchestrator,
    ports,
    clock,
    feed,
    call,
    post,
    async close() {
      await server.close();
      await orchestrator.stop();
    },
  };
}

/** Lets the runtime work until the task has ended; gives it back. */
export async function taskEnded(orchestrator: Orchestrator, id: string) {
  for (let turn = 0; turn < 2_000; turn++) {
    const task = await orchestrator.get(id);
    if (task && ['done', 'blocked', 'cancelled'].includes(task.status)) return task;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`task ${id} never ended`);
}

/**
 * Reads a Server-Sent Events stream until `done` says enough (or it ends), then closes it.
 *
 * @example
 * const events = await readStream(`${url}api/stream`, {}, (seen) => seen.some((e) => e.event === 'task'));
 */
export async function readStream(
  url: string,
  headers: Record<string, string>,
  done: (seen: EventSourceMessage[]) => boolean,
): Promise<{ status: number; events: EventSourceMessage[] }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: EventSourceMessage[] = [];
  if (!response.ok || !response.body) return { status: response.status, events };
  const parser = createParser({ onEvent: (message) => events.push(message) });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (!done(events)) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      parser.feed(value);
    }
  } finally {
    controller.abort();
  }
  return { status: response.status, events };
}
