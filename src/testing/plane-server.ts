import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, sendJson } from './local-http-server.js';
import {
  type NewWorkItem,
  PlaneBoard,
  type PlaneProject,
  type PlaneWorkItem,
} from './plane-board.js';
import { deliver, type PlaneDelivery, signedDelivery } from './plane-webhook-delivery.js';
import { type RecordedRequest, recordRequest } from './recorded-request.js';

/** A fault the next matching request gets instead of its answer. */
export type PlaneFault =
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  | { kind: 'server_error' }
  | { kind: 'malformed' }
  | { kind: 'unauthorized' }
  /** The answer comes after this long. */
  | { kind: 'slow'; delayMs: number }
  /** No answer until the client gives up (or the server closes). */
  | { kind: 'hang' };

export interface PlaneServerOptions {
  port?: number;
  workspace?: string;
  /** The API key it accepts in `X-API-Key` (default `plane-test-key`). */
  apiKey?: string;
  /** Requests a key may make per window before 429s, as Plane Cloud limits (default: no limit). */
  rateLimit?: { requests: number; windowMs: number };
  /** The largest page it serves (Plane's is 100). */
  maxPerPage?: number;
  now?: () => number;
}

/** A local Plane (REST API v1 and webhooks) for tests, as `startPlaneServer` gives it. */
export interface PlaneServer {
  /** `http://127.0.0.1:<port>`: the `base_url` to configure. */
  readonly url: string;
  readonly board: PlaneBoard;
  /** Every API request in order of arrival, credentials left out. */
  readonly requests: readonly RecordedRequest[];
  /** Every webhook delivery sent, with the status it got (0: nothing answered). */
  readonly deliveries: readonly { delivery: PlaneDelivery; status: number }[];
  /** A project with Plane's default states (Backlog, Todo, In Progress, Done, Cancelled). */
  addProject(identifier: string, name?: string): PlaneProject;
  /** What people do on the board; each sends a webhook delivery when webhooks are on. */
  fileItem(project: PlaneProject, item: NewWorkItem): PlaneWorkItem;
  editItem(id: string, change: Parameters<PlaneBoard['editItem']>[1]): PlaneWorkItem;
  deleteItem(id: string): PlaneWorkItem;
  /** Sends every change's delivery to `url`, signed with `secret`; null stops sending. */
  sendWebhooks(target: { url: string; secret: string } | null): void;
  /** Resolves once every delivery sent so far has its answer. */
  deliveriesSettled(): Promise<void>;
  /** The next `times` requests matching `path` (a part of the path) get `fault`. */
  fault(
    fault: PlaneFault,
    match?: { path?: string | RegExp; method?: string; times?: number },
  ): void;
  close(): Promise<void>;
}

const apiPrefix = /^\/api\/v1\/workspaces\/([^/]+)\/projects\/?(?:([^/]+)\/?)?(.*)$/;

/** Plane's cursor pagination: `cursor` is `<per page>:<page>:<is prev>`. */
function page<T>(all: readonly T[], query: URLSearchParams, maxPerPage: number) {
  const cursor = query.get('cursor');
  let perPage = Math.min(Number(query.get('per_page') ?? maxPerPage) || maxPerPage, maxPerPage);
  let index = 0;
  if (cursor) {
    const match = /^(\d+):(\d+):([01])$/.exec(cursor);
    if (!match) return null;
    perPage = Math.min(Number(match[1]), maxPerPage);
    index = Number(match[2]);
  }
  const results = all.slice(index * perPage, (index + 1) * perPage);
  const more = (index + 1) * perPage < all.length;
  return {
    grouped_by: null,
    sub_grouped_by: null,
    total_count: all.length,
    next_cursor: `${perPage}:${index + 1}:0`,
    prev_cursor: `${perPage}:${Math.max(index - 1, 0)}:1`,
    next_page_results: more,
    prev_page_results: index > 0,
    count: results.length,
    total_pages: Math.max(1, Math.ceil(all.length / perPage)),
    total_results: all.length,
    extra_stats: null,
    results,
  };
}

/**
 * Starts a Plane-compatible server on 127.0.0.1: projects, states, labels, work items and
 * comments with cursor pagination, `X-API-Key` checked, every request recorded, webhook
 * deliveries signed as Plane signs them, and faults on demand (429 with `Retry-After`, 500, a
 * malformed body, a slow or no answer). What it answers is what the `board` holds.
 *
 * @example
 * const plane = await startPlaneServer({ workspace: 'acme' });
 * const web = plane.addProject('WEB');
 * plane.fileItem(web, { name: 'Fix the footer', state: 'Todo', description_html: '<p>It overlaps.</p>' });
 * // configure task_sources.plane.base_url = plane.url, PLANE_API_KEY = 'plane-test-key'
 */
export async function startPlaneServer(options: PlaneServerOptions = {}): Promise<PlaneServer> {
  const now = options.now ?? Date.now;
  const board = new PlaneBoard(options.workspace ?? 'acme', now);
  const apiKey = options.apiKey ?? 'plane-test-key';
  const maxPerPage = options.maxPerPage ?? 100;
  const requests: RecordedRequest[] = [];
  const deliveries: { delivery: PlaneDelivery; status: number }[] = [];
  const sending = new Set<Promise<void>>();
  const faults: { fault: PlaneFault; path?: string | RegExp; method?: string; times: number }[] =
    [];
  const hanging = new Set<ServerResponse>();
  const accepted: number[] = [];
  let webhooks: { url: string; secret: string } | null = null;

  function announce(item: PlaneWorkItem, action: 'create' | 'update' | 'delete') {
    if (!webhooks) return;
    const { url, secret } = webhooks;
    const payload = {
      event: 'issue',
      action,
      webhook_id: 'local-webhook',
      workspace_id: board.workspaceId,
      data: action === 'delete' ? { id: item.id, project: item.project } : { ...item },
      activity: { actor: { id: 'local-user', display_name: 'A person' } },
    };
    const delivery = signedDelivery('issue', payload, secret);
    const sent = deliver(url, delivery).then((status) => {
      deliveries.push({ delivery, status });
    });
    sending.add(sent);
    void sent.finally(() => sending.delete(sent));
  }

  function takeFault(request: RecordedRequest): PlaneFault | null {
    const at = faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === request.method) &&
        (f.path === undefined ||
          (typeof f.path === 'string' ? request.path.includes(f.path) : f.path.test(request.path))),
    );
    const found = faults[at];
    if (!found) return null;
    found.times -= 1;
    if (found.times <= 0) faults.splice(at, 1);
    return found.fault;
  }

  /** Plane Cloud's limit: past it a 429 says when the window frees up. */
  function overLimit(): number | null {
    if (!options.rateLimit) return null;
    const { requests: allowed, windowMs } = options.rateLimit;
    const since = now() - windowMs;
    while (accepted.length > 0 && (accepted[0] ?? 0) <= since) accepted.shift();
    if (accepted.length < allowed) {
      accepted.push(now());
      return null;
    }
    return Math.max(1, Math.ceil(((accepted[0] ?? now()) + windowMs - now()) / 1000));
  }

  function route(request: RecordedRequest, query: URLSearchParams): [number, unknown] {
    const match = apiPrefix.exec(request.path);
    if (!match || match[1] !== board.workspace)
      return [404, { error: 'The requested resource does not exist.' }];
    const [, , projectId, rest = ''] = match;
    const listed = (all: readonly unknown[]): [number, unknown] => {
      const answer = page(all, query, maxPerPage);
      return answer ? [200, answer] : [400, { error: 'Invalid cursor format' }];
    };
    if (!projectId) return request.method === 'GET' ? listed(board.projects) : [405, {}];
    const project = board.projects.find((p) => p.id === projectId);
    if (!project) return [404, { error: 'Project not found' }];
    const parts = rest.split('/').filter(Boolean);
    if (parts.length === 1 && request.method === 'GET') {
      if (parts[0] === 'states')
        return listed(board.states.filter((s) => s.project === project.id));
      if (parts[0] === 'labels')
        return listed(board.labels.filter((l) => l.project === project.id));
      if (parts[0] === 'work-items') {
        return listed(board.items.filter((i) => i.project === project.id && i.deleted_at === null));
      }
    }
    if (parts[0] !== 'work-items' || !parts[1]) return [404, { error: 'Not found' }];
    const item = board.item(parts[1]);
    if (!item || item.project !== project.id) return [404, { error: 'Work item not found' }];
    if (parts.length === 2 && request.method === 'GET') return [200, item];
    if (parts.length === 2 && request.method === 'PATCH') {
      const body = (request.body ?? {}) as { state?: unknown };
      if (typeof body.state !== 'string' || !board.states.some((s) => s.id === body.state))
        return [400, { state: ['Invalid pk - object does not exist.'] }];
      const changed = board.editItem(item.id, { state: body.state });
      announce(changed, 'update');
      return [200, changed];
    }
    if (parts[2] === 'comments' && request.method === 'GET')
      return listed(board.commentsOn(item.id));
    if (parts[2] === 'comments' && request.method === 'POST') {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (typeof body.comment_html !== 'string')
        return [400, { comment_html: ['This field is required.'] }];
      const externalId = typeof body.external_id === 'string' ? body.external_id : undefined;
      const externalSource =
        typeof body.external_source === 'string' ? body.external_source : undefined;
      const twin = board
        .commentsOn(item.id)
        .find(
          (c) => externalId && c.external_id === externalId && c.external_source === externalSource,
        );
      if (twin) {
        return [
          409,
          {
            error: 'Issue Comment with the same external id and external source already exists',
            id: twin.id,
          },
        ];
      }
      const created = board.addComment(item, {
        comment_html: body.comment_html,
        ...(externalId ? { external_id: externalId } : {}),
        ...(externalSource ? { external_source: externalSource } : {}),
      });
      return [201, created];
    }
    return [405, { error: `${request.method} is not allowed here` }];
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse) {
    const key = incoming.headers['x-api-key'];
    const recorded = recordRequest(incoming, await readBody(incoming));
    requests.push(recorded);
    const fault = takeFault(recorded);
    if (fault?.kind === 'hang') {
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.kind === 'unauthorized' || key !== apiKey)
      return sendJson(response, 401, { detail: 'Given API token is not valid' });
    if (fault?.kind === 'rate_limit') {
      return sendJson(
        response,
        429,
        { error: 'Rate limit exceeded' },
        {
          'retry-after': String(fault.retryAfterSeconds ?? 1),
          'x-ratelimit-remaining': '0',
        },
      );
    }
    const wait = overLimit();
    if (wait !== null) {
      return sendJson(
        response,
        429,
        { error: 'Rate limit exceeded' },
        {
          'retry-after': String(wait),
          'x-ratelimit-remaining': '0',
        },
      );
    }
    if (fault?.kind === 'server_error')
      return sendJson(response, 500, { error: 'Something went wrong' });
    if (fault?.kind === 'malformed') return sendJson(response, 200, '{"results": [ {"id": ');
    const [status, body] = route(recorded, new URL(incoming.url ?? '/', 'http://x').searchParams);
    sendJson(response, status, body);
  }

  const local = await listenOnLoopback(handle, { port: options.port });
  return {
    url: local.url,
    board,
    requests,
    deliveries,
    addProject: (identifier, name) => board.addProject(identifier, name),
    fileItem(project, item) {
      const created = board.fileItem(project, item);
      announce(created, 'create');
      return created;
    },
    editItem(id, change) {
      const changed = board.editItem(id, change);
      announce(changed, 'update');
      return changed;
    },
    deleteItem(id) {
      const deleted = board.deleteItem(id);
      announce(deleted, 'delete');
      return deleted;
    },
    sendWebhooks(target) {
      webhooks = target;
    },
    async deliveriesSettled() {
      while (sending.size > 0) await Promise.all([...sending]);
    },
    fault(fault, match = {}) {
      faults.push({ fault, path: match.path, method: match.method, times: match.times ?? 1 });
    },
    close() {
      for (const response of hanging) response.destroy();
      return local.close();
    },
  };
}
