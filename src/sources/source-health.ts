import { z } from 'zod';

/** How a task source is doing, as one process sees it: what `cto status` shows per source. */
export const sourceHealthSchema = z.object({
  /** `plane acme (WEB, API)`. */
  target: z.string(),
  state: z.enum(['starting', 'ok', 'failing']),
  lastPollAt: z.number().nullable(),
  lastOkAt: z.number().nullable(),
  /** The last poll's error in one line (null once a poll succeeds). */
  lastError: z.string().nullable(),
  failingSince: z.number().nullable(),
  /** Items seen in the last good poll, and tasks this process made from items. */
  itemsSeen: z.int(),
  tasksCreated: z.int(),
  webhooks: z.object({ accepted: z.int(), refused: z.int(), lastAt: z.number().nullable() }),
  /** Things to fix that do not stop the source (a missing state to move to, a bad label). */
  warnings: z.array(z.string()),
  /** Requests held back by a 429 until then. */
  rateLimitedUntil: z.number().nullable(),
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

/**
 * Keeps one source's health as its polls and webhooks go.
 *
 * @example
 * const health = new SourceHealthTracker('plane acme (WEB)');
 * health.polled(clock.now(), { itemsSeen: 12 }); // or health.failed(clock.now(), error.message)
 */
export class SourceHealthTracker {
  #health: SourceHealth;

  constructor(target: string) {
    this.#health = {
      target,
      state: 'starting',
      lastPollAt: null,
      lastOkAt: null,
      lastError: null,
      failingSince: null,
      itemsSeen: 0,
      tasksCreated: 0,
      webhooks: { accepted: 0, refused: 0, lastAt: null },
      warnings: [],
      rateLimitedUntil: null,
    };
  }

  get current(): SourceHealth {
    return structuredClone(this.#health);
  }

  retarget(target: string): void {
    this.#health.target = target;
  }

  polled(at: number, found: { itemsSeen: number; warnings: string[] }): void {
    Object.assign(this.#health, {
      state: 'ok',
      lastPollAt: at,
      lastOkAt: at,
      lastError: null,
      failingSince: null,
      itemsSeen: found.itemsSeen,
      warnings: found.warnings,
    });
  }

  failed(at: number, error: string, warnings: string[] = []): void {
    Object.assign(this.#health, {
      state: 'failing',
      lastPollAt: at,
      lastError: error,
      failingSince: this.#health.failingSince ?? at,
      warnings,
    });
  }

  created(): void {
    this.#health.tasksCreated += 1;
  }

  webhook(at: number, accepted: boolean): void {
    if (accepted) this.#health.webhooks.accepted += 1;
    else this.#health.webhooks.refused += 1;
    this.#health.webhooks.lastAt = at;
  }

  rateLimited(until: number | null): void {
    this.#health.rateLimitedUntil = until;
  }
}

/**
 * A source's health in one line, for `cto status`.
 *
 * @example
 * healthLine(health, Date.now()); // 'plane acme (WEB): ok; polled 5 s ago, 12 items seen, 3 tasks created'
 */
export function healthLine(health: SourceHealth, now: number): string {
  const ago = (at: number | null) =>
    at === null ? 'never' : `${Math.max(0, Math.round((now - at) / 1000))} s ago`;
  const hooks = health.webhooks;
  const webhooks =
    hooks.accepted + hooks.refused > 0
      ? `; webhooks ${hooks.accepted} accepted, ${hooks.refused} refused`
      : '';
  const limited =
    health.rateLimitedUntil && health.rateLimitedUntil > now
      ? `; rate limited until ${new Date(health.rateLimitedUntil).toISOString()}`
      : '';
  if (health.state === 'failing') {
    return `${health.target}: FAILING: ${health.lastError} (since ${new Date(health.failingSince ?? now).toISOString()}; last poll ${ago(health.lastPollAt)})${limited}`;
  }
  if (health.state === 'starting') return `${health.target}: starting (no poll yet)`;
  return `${health.target}: ok; polled ${ago(health.lastPollAt)}, ${health.itemsSeen} items seen, ${health.tasksCreated} tasks created${webhooks}${limited}`;
}
