import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { IdleTimeoutError, idleTimeoutFetch } from '../../agents/idle-timeout-fetch.js';
import { chatOnce } from '../../agents/openai-chat.js';
import { openAiClientFor } from '../../agents/openai-client.js';
import { providerServers } from '../helpers/test-models.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server that sends its headers and the first part of a body, then nothing more. */
async function stallingServer(): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"id": "x", ');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('idle timeouts', () => {
  it('a provider that never answers fails the request as a transient error after the idle time', async () => {
    const { openAi, model } = await providerServers();
    const deepseek = model('deepseek');
    openAi.script('deepseek-flash', [{ fault: 'hang' }]);
    const started = Date.now();
    const error = await chatOnce(
      openAiClientFor(deepseek, { idleMs: 200 }),
      deepseek,
      [{ role: 'user', content: 'hi' }],
      { signal: new AbortController().signal },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ModelCallError',
      transient: true,
      message: 'deepseek: HTTP 504: 504 no data from the provider for 0.2 s',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a body that stops half-way is given up on too, and a lively one is not', async () => {
    const url = await stallingServer();
    const idleFetch = idleTimeoutFetch(200);
    const response = await idleFetch(url);
    await expect(response.text()).rejects.toBeInstanceOf(IdleTimeoutError);
    const { openAi, model } = await providerServers();
    const deepseek = model('deepseek');
    openAi.script('deepseek-flash', [{ text: 'in time' }]);
    const turn = await chatOnce(
      openAiClientFor(deepseek, { idleMs: 5_000 }),
      deepseek,
      [{ role: 'user', content: 'hi' }],
      { signal: new AbortController().signal },
    );
    expect(turn.message.content).toBe('in time');
  });

  it("the caller's own abort still ends the request at once", async () => {
    const url = await stallingServer();
    const controller = new AbortController();
    const pending = idleTimeoutFetch(60_000)(url, { signal: controller.signal }).then((r) =>
      r.text(),
    );
    controller.abort('cancelled');
    await expect(pending).rejects.toBeDefined();
  });
});
