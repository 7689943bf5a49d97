import { delimiter, join } from 'node:path';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { isExecutable } from './find-executable.js';

/**
 * Where the `claude` CLI is: `claude_code.command` from the config when set, else the first
 * `claude` on PATH, else `node_modules/.bin/claude` in the working directory or beside this
 * package (a project that installed `@anthropic-ai/claude-code` locally needs nothing global).
 *
 * @example
 * findClaudeExecutable({ configured: null, path: process.env.PATH, cwd: process.cwd(), packageRoot });
 */
export function findClaudeExecutable(options: {
  configured: string | null;
  path: string | undefined;
  cwd: string;
  packageRoot: string;
  isExecutable?: (path: string) => boolean;
}): string {
  const check = options.isExecutable ?? isExecutable;
  if (options.configured) {
    if (check(options.configured)) return options.configured;
    throw new ModelCallError(
      `claude_code.command ${options.configured} is not an executable file`,
      { transient: false },
    );
  }
  const candidates = [
    ...(options.path ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'claude')),
    join(options.cwd, 'node_modules', '.bin', 'claude'),
    join(options.packageRoot, 'node_modules', '.bin', 'claude'),
  ];
  const found = candidates.find(check);
  if (found) return found;
  throw new ModelCallError(
    'the Claude Code CLI was not found on PATH or in node_modules/.bin; install @anthropic-ai/claude-code or set claude_code.command',
    { transient: false },
  );
}
