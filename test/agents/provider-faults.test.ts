import { describe, expect, it } from 'vitest';
import { chatOnce } from '../../agents/openai-chat.js';
import { openAiClientFor } from '../../agents/openai-client.js';
import type { ScriptedReply } from '../../src/testing/scripted-reply.js';
import { providerServers } from '../helpers/test-models.js';

async function callWith(reply: ScriptedReply, signal = new AbortController().signal) {
  const { openAi, model } = await providerServers();
  const deepseek = model('deepseek');
  openAi.script('deepseek-flash', [reply]);
  return chatOnce(openAiClientFor(deepseek), deepseek, [{ role: 'user', content: 'hi' }], {
    signal,
  });
}

describe('provider faults through the real openai SDK', () => {
  it.each([
    [
      { fault: 'rate_limit', retryAfterSeconds: 7 } as const,
      { transient: true, retryAfterMs: 7000 },
      /HTTP 429/,
    ],
    [{ fault: 'server_error' } as const, { transient: true, retryAfterMs: null }, /HTTP 500/],
    [{ fault: 'malformed' } as const, { transient: true }, /deepseek: /],
    [{ fault: 'cut' } as const, { transient: true }, /deepseek: /],
  ])('%j fails the call as a retryable error', async (fault, expected, message) => {
    const error = await callWith(fault).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ModelCallError', ...expected });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('a model the provider does not know is not worth a retry', async () => {
    const { model } = await providerServers();
    const deepseek = model('deepseek');
    const error = await chatOnce(
      openAiClientFor(deepseek),
      deepseek,
      [{ role: 'user', content: 'hi' }],
      {
        signal: new AbortController().signal,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      transient: false,
      message: expect.stringMatching(/^deepseek: HTTP 404/),
    });
  });

  it('a hanging provider ends when the call is aborted (the runtime aborts on its timeout)', async () => {
    const controller = new AbortController();
    const pending = callWith({ fault: 'hang' }, controller.signal).catch((e: unknown) => e);
    setImmediate(() => controller.abort('timeout'));
    expect(await pending).toMatchObject({
      name: 'ModelCallError',
      transient: false,
      message: 'deepseek: call aborted',
    });
  });
});

describe('keys', () => {
  it('a model without a key is never sent a made-up one: remote fails at once, local goes without', async () => {
    const { openAi, model } = await providerServers();
    const remote = { ...model('deepseek'), api_key: null, api_url: 'https://api.deepseek.com/v1' };
    expect(() => openAiClientFor(remote)).toThrow(
      /^deepseek: no API key: set DEEPSEEK_API_KEY or api_key in /,
    );
    const local = { ...model('deepseek'), api_key: null };
    openAi.script('deepseek-flash', [{ text: 'hello' }]);
    const turn = await chatOnce(openAiClientFor(local), local, [{ role: 'user', content: 'hi' }], {
      signal: new AbortController().signal,
    });
    expect(turn.message.content).toBe('hello');
    expect(openAi.requests.at(-1)?.authorized).toBe(false);
    openAi.script('deepseek-flash', [{ text: 'again' }]);
    await chatOnce(
      openAiClientFor(model('deepseek')),
      model('deepseek'),
      [{ role: 'user', content: 'hi' }],
      {
        signal: new AbortController().signal,
      },
    );
    expect(openAi.requests.at(-1)?.authorized).toBe(true);
  });
});
