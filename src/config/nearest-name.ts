import { closest, distance } from 'fastest-levenshtein';

/**
 * The known name closest to a mistyped one, when it is close enough to be a likely typo.
 *
 * @example
 * nearestName('cto_modle', ['cto_model', 'fallback_chain']); // 'cto_model'
 */
export function nearestName(typed: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(typed, [...known]);
  const allowed = Math.max(2, Math.floor(typed.length / 3));
  return distance(typed, best) <= allowed ? best : undefined;
}
