import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Whether `path` is a file this process may execute.
 *
 * @example
 * isExecutable('/usr/bin/git'); // true
 */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable called `name` in the directories of a `PATH` value, or null.
 *
 * @example
 * findOnPath('bwrap', process.env.PATH); // '/usr/bin/bwrap'
 */
export function findOnPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}
