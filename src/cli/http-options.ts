import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Command } from 'commander';
import { ChangeFeed } from '../http/change-feed.js';
import { createApi } from '../http/create-api.js';
import { type HttpServer, startHttpServer } from '../http/start-http-server.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import type { Runtime } from './open-runtime.js';

/** The port `cto ui` and `cto serve --http` listen on unless told. */
export const defaultHttpPort = 3700;

export interface HttpCliOptions {
  /** `--http [port]`: true for the default port. */
  http?: boolean | string;
  host: string;
  allowedHost?: string[];
}

/**
 * The options of the HTTP API and console: `--http [port]`, `--host`, `--allowed-host`.
 *
 * @example
 * addHttpOptions(program.command('serve'));
 */
export function addHttpOptions(command: Command, { port = true } = {}): Command {
  if (port)
    command.option(
      '--http [port]',
      `serve the HTTP API and the console on localhost (port ${defaultHttpPort} unless given)`,
    );
  return command
    .option(
      '--host <address>',
      'the address to listen on; anything but loopback needs CTO_HTTP_TOKEN',
      '127.0.0.1',
    )
    .option(
      '--allowed-host <name...>',
      'host names the server answers to behind a reverse proxy (also CTO_HTTP_ALLOWED_HOSTS, comma-separated)',
    );
}

function portOf(value: boolean | string | undefined): number {
  if (value === undefined || value === true) return defaultHttpPort;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ExitCode(1, [`--http/--port: expected a port from 0 to 65535, got ${String(value)}`]);
  return port;
}

/** The live view the API's streams need: pass its hooks to `openRuntime`. */
export function httpFeed(options: HttpCliOptions): ChangeFeed | null {
  return options.http === undefined || options.http === false ? null : new ChangeFeed();
}

/**
 * Starts the HTTP API and the console over a runtime and prints where. A token comes from
 * `CTO_HTTP_TOKEN`; `wake` is told of each submitted task.
 *
 * @example
 * const http = feed && (await startHttp(io, runtime, feed, options, () => wake()));
 */
export async function startHttp(
  io: CliIo,
  runtime: Runtime,
  feed: ChangeFeed,
  options: HttpCliOptions,
  wake: () => void,
  /** Adds more routes (the task sources' webhooks) before the API is finished. */
  moreRoutes?: (app: OpenAPIHono) => void,
): Promise<HttpServer> {
  const token = io.env.CTO_HTTP_TOKEN?.trim() || undefined;
  const allowedHosts = [
    ...(options.allowedHost ?? []),
    ...(io.env.CTO_HTTP_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  ];
  const api = createApi(
    { orchestrator: runtime.orchestrator, source: runtime.source, feed, onSubmitted: wake },
    { token, allowedHosts: [...allowedHosts, options.host] },
  );
  moreRoutes?.(api.app);
  const server = await startHttpServer({
    app: api.finish(),
    host: options.host,
    port: portOf(options.http),
    token,
  }).catch((error: Error) => {
    throw new ExitCode(1, [error.message]);
  });
  io.stderr(`console: open ${server.url} (API: ${server.url}api, ${server.url}openapi.json)\n`);
  return server;
}
