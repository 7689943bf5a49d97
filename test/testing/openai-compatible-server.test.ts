import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedServer, startOpenAiCompatibleServer } from '../../src/testing/index.js';

let server: ScriptedServer;
let client: OpenAI;

beforeEach(async () => {
  server = await startOpenAiCompatibleServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0 });
});
afterEach(() => server.close());

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'read_file',
      description: 'Reads a file',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  },
];

const ask = (model = 'gpt-test', content = 'hello') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

const askStreaming = (model = 'gpt-test') =>
  client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'hello' }],
    stream: true,
    stream_options: { include_usage: true },
  });

describe('the OpenAI-compatible server through the openai SDK', () => {
  it('answers a scripted text with the scripted usage, then with estimated usage', async () => {
    server.script('gpt-test', [
      { text: 'Hello there', usage: { prompt_tokens: 12, completion_tokens: 3 } },
      { text: 'Again' },
    ]);
    const first = await ask();
    expect(first.model).toBe('gpt-test');
    expect(first.choices[0]?.message.content).toBe('Hello there');
    expect(first.choices[0]?.finish_reason).toBe('stop');
    expect(first.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
    });
    const second = await ask();
    expect(second.choices[0]?.message.content).toBe('Again');
    expect(second.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(second.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a text in chunks, with a usage chunk when asked for', async () => {
    server.script('gpt-test', [{ text: 'Streaming works fine', usage: { input_tokens: 5 } }]);
    const chunks = [];
    for await (const chunk of await askStreaming()) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Streaming works fine');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason))).toContain('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 5 });
  });

  it('answers tool calls, sending invalid arguments and unknown tools as scripted', async () => {
    server.script('gpt-test', [
      {
        toolCalls: [
          { name: 'read_file', arguments: { path: 'a.txt' }, id: 'call_a' },
          { name: 'no_such_tool', arguments: '{"path": ' },
        ],
      },
    ]);
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'read a.txt' }],
      tools,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const calls = (choice?.message.tool_calls ?? []).map((call) =>
      call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : [],
    );
    expect(calls).toEqual([
      ['call_a', 'read_file', '{"path":"a.txt"}'],
      [expect.stringMatching(/^call_/), 'no_such_tool', '{"path": '],
    ]);
  });

  it('streams tool calls whose deltas the SDK reassembles', async () => {
    const content = 'a longer piece of content, so that the arguments come in several deltas';
    server.script('gpt-test', [
      {
        text: 'Reading both.',
        toolCalls: [
          { name: 'read_file', arguments: { path: 'a.txt', content } },
          { name: 'read_file', arguments: { path: 'b.txt' } },
        ],
      },
    ]);
    const final = await client.chat.completions
      .stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'read' }], tools })
      .finalChatCompletion();
    const message = final.choices[0]?.message;
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBe('Reading both.');
    const args = (message?.tool_calls ?? []).map((call) =>
      call.type === 'function' ? JSON.parse(call.function.arguments) : null,
    );
    expect(args).toEqual([{ path: 'a.txt', content }, { path: 'b.txt' }]);
  });

  it('answers rate_limit with a 429 the SDK reads as RateLimitError with retry-after', async () => {
    server.script('gpt-test', [{ fault: 'rate_limit', retryAfterSeconds: 7 }]);
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    expect((error as RateLimitError).headers.get('retry-after')).toBe('7');
    expect((error as RateLimitError).code).toBe('rate_limit_exceeded');
  });

  it('answers server_error with a 500', async () => {
    server.script('gpt-test', [{ fault: 'server_error' }]);
    await expect(ask()).rejects.toBeInstanceOf(InternalServerError);
  });

  it('hangs until the client times out', async () => {
    server.script('gpt-test', [{ fault: 'hang' }]);
    await expect(
      client.chat.completions.create(
        { model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] },
        { timeout: 300 },
      ),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it('drops a hanging request when it closes', async () => {
    server.script('gpt-test', [{ fault: 'hang' }]);
    const pending = ask();
    await expect.poll(() => server.requests.length).toBe(1);
    await server.close();
    await expect(pending).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('answers malformed with a body that is not JSON, plain or streamed', async () => {
    server.script('gpt-test', [{ fault: 'malformed' }, { fault: 'malformed' }]);
    await expect(ask()).rejects.toThrow();
    const stream = await askStreaming();
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow();
  });

  it('cuts a streamed reply after its first chunks, and a plain one mid-body', async () => {
    server.script('gpt-test', [{ fault: 'cut' }, { fault: 'cut' }]);
    const received: string[] = [];
    const stream = await askStreaming();
    await expect(async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    }).rejects.toThrow();
    expect(received.join('')).not.toBe('');
    await expect(ask()).rejects.toThrow();
  });

  it('records the messages and tools the SDK sent, without the key', async () => {
    server.script('gpt-test', [{ text: 'ok' }]);
    await client.chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
      ],
      tools,
    });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-test',
      authorized: true,
      body: {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello' },
        ],
        tools,
      },
    });
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(server.requests)).not.toContain('Bearer');
  });

  it('lets a script function answer from the request', async () => {
    server.script('gpt-test', (request) => {
      const body = request.body as { messages: { content: string }[] };
      return { text: `you said ${body.messages.at(-1)?.content}` };
    });
    const completion = await ask('gpt-test', 'ping');
    expect(completion.choices[0]?.message.content).toBe('you said ping');
  });

  it('answers a 500 saying so when a script ran out, or its function failed', async () => {
    server.script('gpt-test', [{ text: 'only one' }]);
    server.script('gpt-broken', () => ({ fault: 'timeout' }) as never);
    await ask();
    await expect(ask()).rejects.toThrow(/script for "gpt-test" ran out/);
    await expect(ask('gpt-broken')).rejects.toThrow(/invalid reply at fault: Invalid option/);
    expect(server.requests.map((request) => request.model)).toEqual([
      'gpt-test',
      'gpt-test',
      'gpt-broken',
    ]);
  });

  it('answers an unscripted model with a 404 in the OpenAI shape', async () => {
    server.script('gpt-test', [{ text: 'ok' }]);
    const error = await ask('gpt-other').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('model_not_found');
    expect((error as NotFoundError).message).toContain('gpt-other');
  });

  it('lists the models scripted by name, and matches predicates in order', async () => {
    server.script('gpt-test', [{ text: 'by name' }]);
    server.script((model) => model.startsWith('local-'), [{ text: 'by predicate' }]);
    const listed = [];
    for await (const model of client.models.list()) listed.push(model.id);
    expect(listed).toEqual(['gpt-test']);
    expect((await ask('local-7b')).choices[0]?.message.content).toBe('by predicate');
    expect(server.otherRequests.map((request) => request.path)).toEqual(['/v1/models']);
  });

  it('refuses an invalid script when it is given', () => {
    expect(() => server.script('gpt-test', [{ fault: 'timeout' } as never])).toThrow(
      /script for "gpt-test" at 0.fault: Invalid option/,
    );
  });
});
