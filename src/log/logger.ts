import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** A JSON-lines file to append to; its directory is created. */
  file?: string;
  /** Any writable stream instead of a file (tests, stderr). */
  stream?: DestinationStream;
  verbose?: boolean;
}

/**
 * Paths redacted in every log line, in case an object holding a credential is logged whole.
 * Credentials are also `Secret`s, which serialise masked: this is the second line of defence.
 */
const redactedPaths = [
  'api_key',
  'apiKey',
  '*.api_key',
  '*.apiKey',
  '*.*.api_key',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * The orchestrator's logger: pino JSON lines, keys redacted.
 *
 * @example
 * const log = createLogger({ file: '.cto/cto.log', verbose: true });
 * log.info({ taskId }, 'task picked up');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.verbose ? 'debug' : 'info';
  const redact = { paths: redactedPaths, censor: '[redacted]' };
  if (options.stream) return pino({ level, redact }, options.stream);
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    return pino({ level, redact }, pino.destination({ dest: options.file, sync: true }));
  }
  return pino({ level, redact, enabled: false });
}
