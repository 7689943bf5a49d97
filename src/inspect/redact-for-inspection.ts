import { maskKeys } from '../log/mask-keys.js';

/**
 * Keys whose values are credentials, whatever they hold: `token` and `accessToken`, but not the
 * counts `tokens` and `inputTokens`.
 */
const secretKey = /(api_?key|apikey|token$|secret|password|passwd|authorization|credential)/i;

/** Longer strings are cut: outputs live in the store, the inspector needs to see only their shape. */
export const maxInspectedString = 2_000;

/**
 * A copy of a context or an event fit to leave the process for the inspector: credential-named
 * fields masked, key-like strings masked wherever they appear, long strings cut. Secrets never
 * sit in a machine's static config, so this covers everything the inspector receives.
 *
 * @example
 * redactForInspection({ input: { description: 'use sk-abcdefghijkl' } });
 * // { input: { description: 'use [redacted]' } }
 */
export function redactForInspection<T>(value: T): T {
  return redactSecrets(value, { maxString: maxInspectedString });
}

/**
 * A copy of `value` with credential-named fields and key-like strings masked, and strings
 * longer than `maxString` cut.
 *
 * @example
 * redactSecrets({ api_key: 'x', note: 'sk-abcdefghijkl' }, { maxString: 100 });
 * // { api_key: '[redacted]', note: '[redacted]' }
 */
export function redactSecrets<T>(value: T, options: { maxString: number }): T {
  return redact(value, 0, options.maxString) as T;
}

function redact(value: unknown, depth: number, maxString: number): unknown {
  if (typeof value === 'string') {
    const masked = maskKeys(value);
    return masked.length > maxString
      ? `${masked.slice(0, maxString)}… [${masked.length - maxString} more characters]`
      : masked;
  }
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, maxString));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      secretKey.test(key) && item !== null && item !== undefined
        ? '[redacted]'
        : redact(item, depth + 1, maxString),
    ]),
  );
}
