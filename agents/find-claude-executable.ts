import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { isExecutable } from './find-executable.js';
import { isWithin } from './sandbox/is-within.js';

/**
 * Where the `claude` CLI is: `claude_code.command` from the config when set, else the first
 * `claude` on PATH, else `node_modules/.bin/claude` beside this package. Never in a task's
 * directory: a model could have put a `claude` there that would take the next session's key.
 *
 * @example
 * findClaudeExecutable({ configured: null, path: process.env.PATH, untrusted: [taskRoot], packageRoot });
 */
export function findClaudeExecutable(options: {
  configured: string | null;
  path: string | undefined;
  /** Directories a model may write (task directories): no `claude` there is used. */
  untrusted: readonly string[];
  packageRoot: string;
  isExecutable?: (path: string) => boolean;
}): string {
  const check = options.isExecutable ?? isExecutable;
  if (options.configured) {
    if (check(options.configured)) return options.configured;
    throw new ModelCallError(
      `claude_code.command ${options.configured} is not an executable file`,
      { transient: false, infrastructure: true },
    );
  }
  const candidates = [
    ...(options.path ?? '')
      .split(delimiter)
      .filter(
        (dir) => isAbsolute(dir) && !options.untrusted.some((root) => isWithin(resolve(dir), root)),
      )
      .map((dir) => join(dir, 'claude')),
    join(options.packageRoot, 'node_modules', '.bin', 'claude'),
  ];
  const found = candidates.find(check);
  if (found) return found;
  throw new ModelCallError(
    'the Claude Code CLI was not found on PATH or in node_modules/.bin; install @anthropic-ai/claude-code or set claude_code.command',
    { transient: false, infrastructure: true },
  );
}
