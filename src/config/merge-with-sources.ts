import { formatJsonPath } from './json-path.js';

/** Where each effective value came from, by JSON path: `default`, a file, an env var … */
export type ValueSources = Record<string, string>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Deep-merges `overlay` onto `base` (objects merge key by key; arrays and scalars replace) and
 * records `label` as the source of every value the overlay set. Neither input is changed.
 *
 * @example
 * const sources = {};
 * mergeWithSources({ a: { b: 1, c: 2 } }, { a: { c: 3 } }, 'file x.json', sources);
 * // { a: { b: 1, c: 3 } }, and sources['a.c'] === 'file x.json'
 */
export function mergeWithSources<T>(
  base: T,
  overlay: unknown,
  label: string,
  sources: ValueSources,
  path: PropertyKey[] = [],
): T {
  if (!isPlainObject(overlay) || !isPlainObject(base)) {
    if (overlay === undefined) return base;
    for (const key of Object.keys(sources)) {
      // A replaced subtree takes its old leaves' sources with it.
      if (path.length > 0 && key.startsWith(`${formatJsonPath(path)}.`)) delete sources[key];
    }
    recordLeaves(overlay, label, sources, path);
    return overlay as T;
  }
  // An empty object recorded as a leaf stops being one once the overlay adds keys to it.
  if (Object.keys(overlay).length > 0) delete sources[formatJsonPath(path)];
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    merged[key] = mergeWithSources(base[key], value, label, sources, [...path, key]);
  }
  return merged as T;
}

/** Records `label` as the source of every leaf under `value`. */
export function recordLeaves(
  value: unknown,
  label: string,
  sources: ValueSources,
  path: PropertyKey[] = [],
): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      recordLeaves(child, label, sources, [...path, key]);
    }
    return;
  }
  sources[formatJsonPath(path)] = label;
}
