import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { hostName, loopbackHosts } from './request-guard.js';

export interface HttpServer {
  /** The address to open, such as `http://127.0.0.1:3700/`. */
  url: string;
  port: number;
  /** Stops listening and ends every open connection (live streams too). */
  close(): Promise<void>;
}

/** Whether an address to bind to stays on this machine. */
export function isLoopback(host: string): boolean {
  // A bare IPv6 address (`::1`) as given to --host, or a name as in a Host header.
  const name = host.includes('::') ? `[${host.replace(/^\[|\]$/g, '')}]` : hostName(host);
  return loopbackHosts.includes(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Serves `app` on `host:port` (port 0: any free port). An address other than loopback is
 * refused unless a token guards the API: anyone on the network could otherwise run tasks.
 *
 * @example
 * const server = await startHttpServer({ app, port: 3700 });
 * console.log(server.url); // http://127.0.0.1:3700/
 */
export async function startHttpServer({
  app,
  host = '127.0.0.1',
  port,
  token,
}: {
  app: OpenAPIHono;
  host?: string;
  port: number;
  token?: string;
}): Promise<HttpServer> {
  if (!isLoopback(host) && !token) {
    throw new Error(
      `binding to ${host} needs a token: set CTO_HTTP_TOKEN (every API request must then send it as Authorization: Bearer …)`,
    );
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use: give another (--port, --http PORT)`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${bound}/`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live streams never end by themselves: end them, or close would wait for ever.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
