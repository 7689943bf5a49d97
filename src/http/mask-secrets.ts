import { redactSecrets } from '../inspect/redact-for-inspection.js';

/**
 * A response body fit to leave the process: credential-named fields masked and key-like
 * strings (`sk-…`, `ghp_…`, `AKIA…`) masked wherever they appear, a key pasted into a task's
 * text included. Nothing is cut: outputs are served whole, on demand.
 *
 * @example
 * maskSecrets({ input: { description: 'use sk-abcdefghijkl' } }); // { input: { description: 'use [redacted]' } }
 */
export function maskSecrets<T>(value: T): T {
  return redactSecrets(value, { maxString: Number.POSITIVE_INFINITY });
}
