import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DestinationStream, type Logger, pino } from 'pino';
import { maskKeys, maskKeysDeep } from './mask-keys.js';

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
  const settings = {
    level: options.verbose ? 'debug' : 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    // A key pasted into a task's text is masked in every field and message of the log.
    formatters: { log: (fields: Record<string, unknown>) => maskKeysDeep(fields) },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? maskKeys(arg) : arg)),
        );
      },
    },
  };
  if (options.stream) return pino(settings, options.stream);
  if (options.file) {
    // The log tells what tasks were about: only its owner reads it.
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    const destination = pino.destination({ dest: options.file, sync: true, mode: 0o600 });
    chmodSync(options.file, 0o600);
    return pino(settings, destination);
  }
  return pino({ ...settings, enabled: false });
}
