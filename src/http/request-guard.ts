import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './api-error.js';

/** Host names that always reach a loopback server (a rebinding attacker's name is not one). */
export const loopbackHosts: readonly string[] = ['localhost', '127.0.0.1', '[::1]', '::1'];

export interface RequestGuardOptions {
  /** When set, every API request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Host names (without port) this server answers to; loopback names always. */
  allowedHosts?: readonly string[];
}

/** The host name of a Host header, without its port, lower case (`[::1]` kept bracketed). */
export function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return lower.split(':')[0] ?? '';
}

function sameSecret(given: string, expected: string): boolean {
  // Digests first: equal lengths for timingSafeEqual, and no early exit on the length.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Refuses what a browser page of another site, or a DNS-rebinding attack, could send: a Host
 * this server does not serve (403), an `Origin` other than the server's own (403), and, when a
 * token is set, an API request without `Authorization: Bearer <token>` (401). No cookies are
 * used, so a foreign page never rides on a user's session; no CORS header is ever sent.
 *
 * @example
 * app.use('*', requestGuard({ token: process.env.CTO_HTTP_TOKEN, allowedHosts: ['cto.example.org'] }));
 */
export function requestGuard(options: RequestGuardOptions): MiddlewareHandler {
  const hosts = new Set([...loopbackHosts, ...(options.allowedHosts ?? []).map(hostName)]);
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (!hosts.has(hostName(host))) {
      return errorResponse(c, 403, `host ${JSON.stringify(host)} is not served here`);
    }
    const origin = c.req.header('origin');
    const ownOrigin = (scheme: string) => `${scheme}://${host.toLowerCase()}`;
    if (
      (origin !== undefined && origin !== ownOrigin('http') && origin !== ownOrigin('https')) ||
      c.req.header('sec-fetch-site') === 'cross-site'
    ) {
      return errorResponse(
        c,
        403,
        `requests from another origin are refused (${origin ?? 'cross-site'})`,
      );
    }
    const path = c.req.path;
    const guarded = path.startsWith('/api/') || path === '/openapi.json';
    if (options.token && guarded) {
      const given = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!given || !sameSecret(given.trim(), options.token)) {
        c.header('WWW-Authenticate', 'Bearer');
        return errorResponse(
          c,
          401,
          'a valid token is required: Authorization: Bearer <CTO_HTTP_TOKEN>',
        );
      }
    }
    await next();
  };
}
