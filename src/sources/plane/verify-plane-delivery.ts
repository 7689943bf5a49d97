import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Secret } from '../../config/secret.js';

/** The part of a Plane webhook payload the orchestrator reads; the item itself is read from the API. */
const deliverySchema = z.object({
  event: z.string(),
  action: z.string().nullish(),
  data: z
    .object({
      id: z.string().min(1),
      project: z.string().nullish(),
      updated_at: z.string().nullish(),
    })
    .nullish(),
});

export type DeliveryVerdict =
  | { ok: true; event: string; action: string; itemId: string | null; projectId: string | null }
  | { ok: false; status: 400 | 401 | 409; reason: string };

/**
 * Deliveries accepted lately (by body digest and delivery id), so one replayed within the
 * window is refused; older ones are refused as stale by their own time. Bounded in size.
 */
export class DeliveryMemory {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** False when `key` was remembered and has not expired at `now`; else remembers it. */
  remember(key: string, now: number, until: number): boolean {
    for (const [k, expires] of this.#seen) {
      if (expires > now && this.#seen.size <= this.#max) break;
      this.#seen.delete(k);
    }
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires > now) return false;
    this.#seen.set(key, until);
    return true;
  }
}

function signatureMatches(body: string, given: string, secret: Secret): boolean {
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac('sha256', secret.reveal()).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/**
 * Checks one webhook delivery from Plane: `X-Plane-Signature` must be the HMAC-SHA256 of the
 * raw body with the webhook's secret (an unsigned or forged delivery is refused, 401); the
 * body must be Plane's payload (400); its item's change (`data.updated_at`, inside what is
 * signed: Plane signs no timestamp of its own) must be at most `maxAgeMs` old, and the same
 * delivery (by body and by `X-Plane-Delivery`) is taken once (a replay is refused, 409).
 * A delivery without a change time (a deletion) can only be replayed after the window; the
 * source then reads the item from the API, which says what is true.
 *
 * @example
 * const verdict = verifyPlaneDelivery({ body, signature, deliveryId, secret, now: Date.now(), maxAgeMs: 300_000, memory });
 */
export function verifyPlaneDelivery(delivery: {
  body: string;
  signature: string | undefined;
  deliveryId: string | undefined;
  secret: Secret;
  now: number;
  maxAgeMs: number;
  memory: DeliveryMemory;
}): DeliveryVerdict {
  const { body, signature, now, maxAgeMs, memory } = delivery;
  if (!signature) return { ok: false, status: 401, reason: 'unsigned: no X-Plane-Signature' };
  if (!signatureMatches(body, signature.trim(), delivery.secret))
    return { ok: false, status: 401, reason: 'the signature does not match the body' };
  let parsed: z.infer<typeof deliverySchema>;
  try {
    const result = deliverySchema.safeParse(JSON.parse(body));
    if (!result.success)
      return {
        ok: false,
        status: 400,
        reason: `not a Plane webhook payload: ${result.error.issues[0]?.path.join('.')}`,
      };
    parsed = result.data;
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON' };
  }
  const changedAt = parsed.data?.updated_at ? Date.parse(parsed.data.updated_at) : Number.NaN;
  if (Number.isFinite(changedAt) && Math.abs(now - changedAt) > maxAgeMs) {
    return {
      ok: false,
      status: 400,
      reason: `stale: its change is ${Math.round((now - changedAt) / 1000)} s old (at most ${maxAgeMs / 1000} s)`,
    };
  }
  const until = now + 2 * maxAgeMs;
  const digest = createHash('sha256').update(body).digest('hex');
  const fresh =
    memory.remember(`body:${digest}`, now, until) &&
    (!delivery.deliveryId || memory.remember(`id:${delivery.deliveryId}`, now, until));
  if (!fresh)
    return { ok: false, status: 409, reason: 'replayed: this delivery was taken already' };
  return {
    ok: true,
    event: parsed.event,
    action: parsed.action ?? '',
    itemId: parsed.data?.id ?? null,
    projectId: parsed.data?.project ?? null,
  };
}
