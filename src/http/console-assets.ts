import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { errorResponse } from './api-error.js';

/**
 * Where the build puts the console, `dist/console`: seen from this module built into
 * `dist/src/http`, or from its source in `src/http` (run through tsx).
 */
export const consoleDirectory =
  [new URL('../../console/', import.meta.url), new URL('../../dist/console/', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((directory) => existsSync(join(directory, 'app.js'))) ??
  fileURLToPath(new URL('../../console/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * Serves the console's files (built into `dist/console` by `npm run build`): `/` is its page,
 * which routes itself by the URL's fragment. The page loads nothing from elsewhere: its
 * Content-Security-Policy allows only this origin.
 *
 * @example
 * serveConsole(app);
 */
export function serveConsole(app: OpenAPIHono, directory = consoleDirectory): void {
  app.get('*', async (c) => {
    const path = c.req.path === '/' ? '/index.html' : c.req.path;
    const file = normalize(join(directory, path));
    if (!file.startsWith(directory) || !types[extname(file)])
      return errorResponse(c, 404, `no ${c.req.path} here`);
    const content = await readFile(file).catch(() => null);
    if (!content) {
      return path === '/index.html'
        ? errorResponse(c, 503, 'the console is not built: run `npm run build`')
        : errorResponse(c, 404, `no ${c.req.path} here`);
    }
    c.header('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-cache');
    return c.body(content, 200);
  });
}
