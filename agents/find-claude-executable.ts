import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { isExecutable } from './find-executable.js';
import { isWithin } from './sandbox/is-within.js';

/**
 * The CLI of this package's optional dependency `@anthropic-ai/claude-code`, wherever the
 * installer put it (hoisted beside this package in a project's node_modules, or nested in its
 * own), found as Node finds modules.
 */
function installedCli(packageRoot: string): string[] {
  try {
    const require = createRequire(join(packageRoot, 'package.json'));
    const manifest = require.resolve('@anthropic-ai/claude-code/package.json');
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    const file = typeof bin === 'string' ? bin : bin?.claude;
    return file ? [join(dirname(manifest), file)] : [];
  } catch {
    return []; // not installed (optional dependencies may be left out)
  }
}

/**
 * Where the `claude` CLI is: `claude_code.command` from the config when set, else the first
 * `claude` on PATH, else `node_modules/.bin/claude` beside this package, else this package's
 * optional dependency `@anthropic-ai/claude-code` wherever it was installed (so an installed
 * package's `--simulate` works with nothing global). Never in a task's directory: a model
 * could have put a `claude` there that would take the next session's key.
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
    ...installedCli(options.packageRoot),
  ];
  const found = candidates.find(check);
  if (found) return found;
  throw new ModelCallError(
    'the Claude Code CLI was not found on PATH, in node_modules/.bin or as the optional dependency @anthropic-ai/claude-code; install it (npm install @anthropic-ai/claude-code@2.1.197) or set claude_code.command',
    { transient: false, infrastructure: true },
  );
}
