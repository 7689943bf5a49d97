import { Writable } from 'node:stream';
import { createLogger } from '../../src/log/logger.js';

/**
 * A logger whose lines land, parsed, in `lines`.
 *
 * @example
 * const { lines, logger } = capturedLogger();
 * logger.warn({ taskId: 'a' }, 'task not resumed');
 * lines[0]?.msg; // 'task not resumed'
 */
export function capturedLogger(options: { verbose?: boolean } = {}) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ stream, ...options }) };
}
