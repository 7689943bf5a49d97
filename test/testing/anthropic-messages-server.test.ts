import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  matchesClaudeModel,
  type ScriptedServer,
  startAnthropicMessagesServer,
} from '../../src/testing/index.js';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startAnthropicMessagesServer();
});
afterEach(() => server.close());

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function post(body: Record<string, unknown>, init: RequestInit = {}) {
  return fetch(`${server.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' },
    body: JSON.stringify({
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'hello' }],
      ...body,
    }),
    ...init,
  });
}

async function events(response: Response): Promise<SseEvent[]> {
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  return (await response.text())
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return {
        event: eventLine?.replace(/^event: /, '') ?? '',
        data: JSON.parse(dataLine?.replace(/^data: /, '') ?? ''),
      };
    });
}

describe('the Anthropic Messages server over plain HTTP', () => {
  it('streams a text reply as the real SSE event sequence', async () => {
    server.script('claude-test', [{ text: 'Hello from the stream', usage: { output_tokens: 4 } }]);
    const received = await events(await post({ model: 'claude-test', stream: true }));
    const names = received.map(({ event }) => event);
    expect(names[0]).toBe('message_start');
    expect(names[1]).toBe('content_block_start');
    expect(names.slice(2, -3).every((name) => name === 'content_block_delta')).toBe(true);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(received.every(({ event, data }) => data.type === event)).toBe(true);
    const text = received
      .filter(({ event }) => event === 'content_block_delta')
      .map(({ data }) => data.delta as { type: string; text: string });
    expect(text.every((delta) => delta.type === 'text_delta')).toBe(true);
    expect(text.map((delta) => delta.text).join('')).toBe('Hello from the stream');
    expect(received.at(-2)?.data).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 4 },
    });
    expect(received[0]?.data).toMatchObject({
      message: { model: 'claude-test', role: 'assistant', content: [] },
    });
  });

  it('streams tool_use blocks with their input as input_json_delta pieces', async () => {
    const input = { file_path: '/tmp/a.txt', content: 'a content long enough for several pieces' };
    server.script('claude-test', [
      {
        text: 'Writing.',
        toolCalls: [
          { name: 'Write', arguments: input, id: 'toolu_a' },
          { name: 'Nope', arguments: '{"x' },
        ],
      },
    ]);
    const received = await events(await post({ model: 'claude-test', stream: true }));
    const starts = received
      .filter(({ event }) => event === 'content_block_start')
      .map(({ data }) => [data.index, data.content_block]);
    expect(starts).toEqual([
      [0, { type: 'text', text: '' }],
      [1, { type: 'tool_use', id: 'toolu_a', name: 'Write', input: {} }],
      [2, { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'Nope', input: {} }],
    ]);
    const json = (index: number) =>
      received
        .filter(({ event, data }) => event === 'content_block_delta' && data.index === index)
        .map(({ data }) => data.delta as { type: string; partial_json: string });
    expect(json(1).length).toBeGreaterThan(1);
    expect(json(1).every((delta) => delta.type === 'input_json_delta')).toBe(true);
    expect(
      JSON.parse(
        json(1)
          .map((delta) => delta.partial_json)
          .join(''),
      ),
    ).toEqual(input);
    expect(
      json(2)
        .map((delta) => delta.partial_json)
        .join(''),
    ).toBe('{"x');
    const stops = received.filter(({ event }) => event === 'content_block_stop');
    expect(stops.map(({ data }) => data.index)).toEqual([0, 1, 2]);
    expect(received.at(-2)?.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('answers a plain request with one JSON message', async () => {
    server.script('claude-test', [
      {
        toolCalls: [{ name: 'Write', arguments: '{"file_path":"a","content":"b"}', id: 'toolu_b' }],
      },
    ]);
    const response = await post({ model: 'claude-test' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [
        { type: 'tool_use', id: 'toolu_b', name: 'Write', input: { file_path: 'a', content: 'b' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
  });

  it('answers other requests with 200 and records them apart from model calls', async () => {
    server.script('claude-test', [{ text: 'ok' }]);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
    const counted = await fetch(`${server.url}/v1/messages/count_tokens`, {
      method: 'POST',
      body: JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(await counted.json()).toEqual({ input_tokens: expect.any(Number) });
    await post({ model: 'claude-test' });
    expect(server.otherRequests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'HEAD /',
      'POST /v1/messages/count_tokens',
    ]);
    expect(server.requests).toMatchObject([
      { path: '/v1/messages', query: '?beta=true', model: 'claude-test', authorized: true },
    ]);
    expect(server.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('answers faults in the Anthropic error shape', async () => {
    server.script('claude-test', [
      { fault: 'rate_limit', retryAfterSeconds: 3 },
      { fault: 'server_error' },
      { fault: 'malformed' },
    ]);
    const limited = await post({ model: 'claude-test', stream: true });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
    const failed = await post({ model: 'claude-test', stream: true });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    const malformed = await post({ model: 'claude-test', stream: true });
    expect(malformed.status).toBe(200);
    await expect(events(malformed)).rejects.toThrow(SyntaxError);
  });

  it('cuts a stream after its first events', async () => {
    server.script('claude-test', [{ fault: 'cut' }]);
    const response = await post({ model: 'claude-test', stream: true });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: message_start');
    await expect(
      (async () => {
        for (;;) if ((await reader?.read())?.done) return 'complete';
      })(),
    ).rejects.toThrow();
  });

  it('hangs until the client aborts', async () => {
    server.script('claude-test', [{ fault: 'hang' }]);
    await expect(
      post({ model: 'claude-test', stream: true }, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/aborted/);
  });

  it('lets an alias answer full model ids of its family, an exact name first', async () => {
    server.script('sonnet', [{ text: 'by alias' }]);
    server.script('claude-sonnet-4-5', [{ text: 'by exact id' }]);
    const text = async (model: string) => {
      const body = (await (await post({ model })).json()) as { content: { text: string }[] };
      return body.content[0]?.text;
    };
    expect(await text('claude-sonnet-4-5')).toBe('by exact id');
    expect(await text('claude-sonnet-5')).toBe('by alias');
    const other = await post({ model: 'claude-haiku-4-5-20251001' });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('claude-haiku') },
    });
  });

  it('answers unscripted models with the fallback reply when one is given', async () => {
    const lenient = await startAnthropicMessagesServer({ fallback: { text: 'side answer' } });
    try {
      lenient.script('sonnet', [{ text: 'main answer' }]);
      const answer = async (model: string) =>
        (await (
          await fetch(`${lenient.url}/v1/messages`, {
            method: 'POST',
            body: JSON.stringify({ model, max_tokens: 10, messages: [] }),
          })
        ).json()) as { content: { text: string }[] };
      expect((await answer('claude-haiku-4-5')).content[0]?.text).toBe('side answer');
      expect((await answer('claude-sonnet-5')).content[0]?.text).toBe('main answer');
    } finally {
      await lenient.close();
    }
  });
});

describe('matchesClaudeModel', () => {
  it.each([
    ['sonnet', 'claude-sonnet-5', true],
    ['sonnet[1m]', 'claude-sonnet-5', true],
    ['opus', 'claude-opus-4-8', true],
    ['haiku', 'claude-haiku-4-5-20251001', true],
    ['claude-sonnet-4-5', 'claude-sonnet-4-5', true],
    ['sonnet', 'claude-opus-4-8', false],
    ['claude-sonnet-4-5', 'claude-sonnet-5', false],
    ['my-model', 'claude-my-model-1', false],
  ])('%s answers %s: %s', (name, model, expected) => {
    expect(matchesClaudeModel(name, model)).toBe(expected);
  });
});
