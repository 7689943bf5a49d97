import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The whole body of a request, as text.
 *
 * @example
 * const text = await readBody(request);
 */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Answers with JSON (a string is sent as it is: a malformed body on purpose).
 *
 * @example
 * sendJson(response, 429, { error: 'slow down' }, { 'retry-after': '2' });
 */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Serves `handle` on 127.0.0.1 (port 0: any free one). A handler that throws answers 500 (or
 * drops the connection once headers are out), so no client waits for ever. `close` ends every
 * connection, hanging ones included, and may be called twice (a test, then its afterEach).
 *
 * @example
 * const local = await listenOnLoopback(async (request, response) => sendJson(response, 200, {}));
 * await local.close();
 */
export async function listenOnLoopback(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  options: { port?: number; errorBody?: (error: unknown) => unknown } = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const listener: RequestListener = (incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, options.errorBody?.(error) ?? { error: String(error) });
    });
  };
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
