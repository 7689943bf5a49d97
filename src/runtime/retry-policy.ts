import { defaultConfig } from '../config/default-config.js';
import type { EffectiveConfig } from '../config/effective-config.js';

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

/**
 * The whole-call limits the configuration's `timeouts` sets (defaults: classify 2 min, execute
 * 30 min, review 5 min).
 *
 * @example
 * callTimeouts(source.current().config).executeMs; // 1800000
 */
export function callTimeouts(config: Pick<EffectiveConfig, 'timeouts'>): CallTimeouts {
  const { classify_seconds, execute_seconds, review_seconds } = config.timeouts;
  return {
    classifyMs: classify_seconds * 1_000,
    executeMs: execute_seconds * 1_000,
    reviewMs: review_seconds * 1_000,
  };
}

export const defaultCallTimeouts: CallTimeouts = callTimeouts(defaultConfig());
