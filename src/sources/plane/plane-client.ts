import type { z } from 'zod';
import type { Secret } from '../../config/secret.js';
import type { Clock } from '../../runtime/clock.js';
import {
  type PlaneCommentRecord,
  type PlaneLabelRecord,
  type PlaneProjectRecord,
  type PlaneStateRecord,
  type PlaneWorkItemRecord,
  planeCommentSchema,
  planeLabelSchema,
  planePageSchema,
  planeProjectSchema,
  planeStateSchema,
  planeWorkItemSchema,
} from './plane-api-schemas.js';
import { RequestPacer, sleep } from './request-pacer.js';

/** Why a Plane request failed, in one line; `transient` ones are worth a later try. */
export class PlaneApiError extends Error {
  readonly status: number | null;
  readonly transient: boolean;
  constructor(message: string, status: number | null, transient: boolean) {
    super(message);
    this.name = 'PlaneApiError';
    this.status = status;
    this.transient = transient;
  }
}

export interface PlaneClientOptions {
  /** Without `/api/v1`: `https://api.plane.so`. */
  baseUrl: string;
  workspace: string;
  apiKey: Secret;
  /** Where the key came from (`env PLANE_API_KEY`), for the message when it is refused. */
  apiKeySource: string;
  timeoutMs: number;
  maxRequestsPerMinute: () => number;
  clock: Clock;
  /** Tries of one request on 429, 5xx, no answer or a malformed answer (default 4). */
  maxTries?: number;
  /** A 429 asking for a longer wait than this fails the request instead (default 60 s). */
  maxRetryAfterMs?: number;
  fetch?: typeof fetch;
  random?: () => number;
  /** Aborts every wait and request (the source stops). */
  signal?: AbortSignal;
}

/** A `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset` (epoch seconds), in ms. */
function retryAfterMs(headers: Headers, now: number): number | null {
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : null;
}

type Answer =
  | { ok: true; status: number; data: unknown }
  | { ok: false; error: PlaneApiError; waitMs?: number };

/**
 * Plane's REST API (v1) over the platform `fetch`, every answer checked against its zod schema:
 * lists follow the cursor to the last page; requests are paced under the per-minute limit;
 * a 429 holds every request back until its `Retry-After`; 5xx, no answer within the timeout
 * and malformed answers are tried again with exponential backoff; a refused key is told at
 * once. The key goes in `X-API-Key` and nowhere else.
 *
 * @example
 * const plane = new PlaneClient({ baseUrl, workspace: 'acme', apiKey, apiKeySource, timeoutMs: 30_000, maxRequestsPerMinute: () => 50, clock });
 * const items = await plane.listWorkItems(project.id);
 */
export class PlaneClient {
  readonly #options: PlaneClientOptions;
  readonly pacer: RequestPacer;

  constructor(options: PlaneClientOptions) {
    this.#options = options;
    this.pacer = new RequestPacer(options.clock, options.maxRequestsPerMinute);
  }

  listProjects(): Promise<PlaneProjectRecord[]> {
    return this.#listAll('projects/', planeProjectSchema);
  }

  listStates(projectId: string): Promise<PlaneStateRecord[]> {
    return this.#listAll(`projects/${enc(projectId)}/states/`, planeStateSchema);
  }

  listLabels(projectId: string): Promise<PlaneLabelRecord[]> {
    return this.#listAll(`projects/${enc(projectId)}/labels/`, planeLabelSchema);
  }

  listWorkItems(projectId: string): Promise<PlaneWorkItemRecord[]> {
    return this.#listAll(`projects/${enc(projectId)}/work-items/`, planeWorkItemSchema);
  }

  /** The item now, or null when it is gone (deleted, or moved out of the project). */
  async getWorkItem(projectId: string, itemId: string): Promise<PlaneWorkItemRecord | null> {
    const path = `projects/${enc(projectId)}/work-items/${enc(itemId)}/`;
    const { status, data } = await this.#call('GET', path, [404]);
    return status === 404 ? null : this.#checked(planeWorkItemSchema, data, 'GET', path);
  }

  async moveWorkItem(projectId: string, itemId: string, stateId: string): Promise<void> {
    const path = `projects/${enc(projectId)}/work-items/${enc(itemId)}/`;
    const { data } = await this.#call('PATCH', path, [], { state: stateId });
    this.#checked(planeWorkItemSchema, data, 'PATCH', path);
  }

  listComments(projectId: string, itemId: string): Promise<PlaneCommentRecord[]> {
    return this.#listAll(
      `projects/${enc(projectId)}/work-items/${enc(itemId)}/comments/`,
      planeCommentSchema,
    );
  }

  /**
   * Posts a comment marked with `externalId` (and the source `cto-orchestrator`): `exists` when
   * the item already has a comment so marked (Plane answers 409), so a write-back that is tried
   * again never posts twice.
   */
  async addComment(
    projectId: string,
    itemId: string,
    comment: { html: string; externalId: string },
  ): Promise<'created' | 'exists'> {
    const path = `projects/${enc(projectId)}/work-items/${enc(itemId)}/comments/`;
    const { status } = await this.#call('POST', path, [409], {
      comment_html: comment.html,
      external_id: comment.externalId,
      external_source: 'cto-orchestrator',
    });
    return status === 409 ? 'exists' : 'created';
  }

  async #listAll<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>[]> {
    const pageSchema = planePageSchema(schema);
    const all: z.infer<T>[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (;;) {
      const query = `?per_page=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { data } = await this.#call('GET', `${path}${query}`, []);
      const page = this.#checked(pageSchema, data, 'GET', path);
      all.push(...page.results);
      const next = page.next_cursor;
      if (!page.next_page_results || !next) return all;
      if (seen.has(next))
        throw new PlaneApiError(`GET ${this.#where(path)}: the cursor ${next} repeats`, 200, false);
      seen.add(next);
      cursor = next;
    }
  }

  #where(path: string): string {
    return `${this.#options.baseUrl}/api/v1/workspaces/${this.#options.workspace}/${path.split('?')[0]}`;
  }

  #checked<T extends z.ZodType>(
    schema: T,
    data: unknown,
    method: string,
    path: string,
  ): z.infer<T> {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    throw new PlaneApiError(
      `${method} ${this.#where(path)}: the answer is not what Plane's API gives (${issue?.path.join('.') || 'the body'}: ${issue?.message})`,
      200,
      false,
    );
  }

  /** One request, tried again while its failure is transient; `allowed` statuses are answers. */
  async #call(
    method: string,
    path: string,
    allowed: readonly number[],
    body?: unknown,
  ): Promise<{ status: number; data: unknown }> {
    const { clock, signal } = this.#options;
    const maxTries = this.#options.maxTries ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      await this.pacer.slot(signal);
      const answer = await this.#once(method, path, allowed, body);
      if (answer.ok) return answer;
      if (!answer.error.transient || attempt >= maxTries) throw answer.error;
      const random = this.#options.random ?? Math.random;
      const backoff = Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + random() / 2);
      await sleep(clock, answer.waitMs ?? backoff, signal);
    }
  }

  async #once(
    method: string,
    path: string,
    allowed: readonly number[],
    body?: unknown,
  ): Promise<Answer> {
    const { clock, signal, timeoutMs } = this.#options;
    const where = `${method} ${this.#where(path)}`;
    // Real time, not the clock's: it guards a real socket, and tests that move the clock by
    // hand must not fire it under a request still on its way.
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const response = await (this.#options.fetch ?? fetch)(
        `${this.#options.baseUrl}/api/v1/workspaces/${enc(this.#options.workspace)}/${path}`,
        {
          method,
          headers: {
            'X-API-Key': this.#options.apiKey.reveal(),
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        },
      );
      status = response.status;
      headers = response.headers;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      const why = timeout.aborted
        ? `no answer within ${timeoutMs / 1000} s`
        : `cannot reach Plane (${typeof code === 'string' ? code : (error as Error).message})`;
      return { ok: false, error: new PlaneApiError(`${where}: ${why}`, null, true) };
    }
    if (status === 401 || status === 403) {
      const error = new PlaneApiError(
        `the API key was refused (${status}) by ${this.#options.baseUrl}: check ${this.#options.apiKeySource.replace(/^env /, '')}`,
        status,
        false,
      );
      return { ok: false, error };
    }
    if (status === 429) {
      const wait = retryAfterMs(headers, clock.now()) ?? 60_000;
      this.pacer.pauseUntil(clock.now() + wait);
      const limit = this.#options.maxRetryAfterMs ?? 60_000;
      const error = new PlaneApiError(
        `${where}: rate limited (429); Plane asks to wait ${Math.ceil(wait / 1000)} s`,
        429,
        wait <= limit,
      );
      return { ok: false, error, waitMs: wait };
    }
    if (status >= 500) {
      return {
        ok: false,
        error: new PlaneApiError(`${where}: Plane answered ${status}`, status, true),
      };
    }
    if ((status < 200 || status >= 300) && !allowed.includes(status)) {
      const detail = text.slice(0, 200).replace(/\s+/g, ' ');
      return {
        ok: false,
        error: new PlaneApiError(`${where}: Plane answered ${status}: ${detail}`, status, false),
      };
    }
    try {
      return { ok: true, status, data: text === '' ? null : JSON.parse(text) };
    } catch {
      return {
        ok: false,
        error: new PlaneApiError(`${where}: the answer is not JSON`, status, true),
      };
    }
  }
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
