/** Strings that look like provider keys, wherever they appear (a key pasted into a task). */
const keyLike =
  /\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,}|gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|xox[abp]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\b/g;

/** A key's start that a shortened line cut off at its ellipsis: too short for `keyLike`, still secret. */
const cutKey = /\b(?:sk-|gh[pousr]_|github_pat_|xox[abp]-|AKIA)[A-Za-z0-9_-]*…/g;

/**
 * A text with every key-like string in it (`sk-…`, `ghp_…`, `AKIA…`, Slack tokens) masked:
 * for what is shown or written down (logs, `cto status`, the inspector), never for what a
 * model is given.
 *
 * @example
 * maskKeys('use sk-abcdefghijkl to deploy'); // 'use [redacted] to deploy'
 * maskKeys('use AKIAABCDEFG…'); // 'use [redacted]…' (a key a shortened line cut off)
 */
export function maskKeys(text: string): string {
  return text.replace(keyLike, '[redacted]').replace(cutKey, '[redacted]…');
}

/**
 * A copy of a JSON-like value with `maskKeys` applied to every string in it, keys of objects
 * included.
 *
 * @example
 * maskKeysDeep({ input: { description: 'token ghp_0123456789abcdefABCD' } });
 * // { input: { description: 'token [redacted]' } }
 */
export function maskKeysDeep<T>(value: T): T {
  return mask(value, 0) as T;
}

function mask(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskKeys(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((item) => mask(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [maskKeys(key), mask(item, depth + 1)]),
  );
}
