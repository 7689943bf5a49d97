/** How the CTO and worker actors treat a failing provider. */
export interface RetryPolicy {
  /** Retries of one call on transient errors (429, 5xx, timeouts) before it fails. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failed calls in a row that put a model in cooldown. */
  cooldownAfter: number;
  cooldownMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  cooldownAfter: 3,
  cooldownMs: 60_000,
};

/** Wall-clock limits of one call; past them the call is aborted and counts as transient. */
export interface CallTimeouts {
  classifyMs: number;
  executeMs: number;
  reviewMs: number;
}

export const defaultCallTimeouts: CallTimeouts = {
  classifyMs: 120_000,
  executeMs: 1_800_000,
  reviewMs: 300_000,
};
