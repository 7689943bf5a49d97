import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import {
  checkRealPath,
  checkRequestedPath,
  type PolicyDecision,
  type SandboxContext,
} from './sandbox-policy.js';

export type ResolvedToolPath =
  | { allowed: true; path: string }
  | Extract<PolicyDecision, { allowed: false }>;

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Symbolic links followed before giving up, as the kernel does (ELOOP). */
const MAX_LINKS = 40;

/**
 * The real path of `path`, or for a file not created yet, the real path of its nearest
 * existing ancestor with the rest appended. A dangling symlink is followed to where it points,
 * since writing through it would create its target, wherever that is.
 */
async function realPathOfNearest(path: string, links = 0): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(await realpath(current), ...missing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (await isSymlink(current)) {
        if (links >= MAX_LINKS) throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
        const target = resolve(dirname(current), await readlink(current));
        return realPathOfNearest(join(target, ...missing), links + 1);
      }
      const parent = dirname(current);
      if (parent === current) throw error;
      missing.unshift(basename(current));
      current = parent;
    }
  }
}

function isSymlinkSync(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * `realPathOfNearest` without waiting, for the command check, which is synchronous: the real
 * path of `path`, or of its nearest existing ancestor with the rest appended. A path it cannot
 * resolve (no permission, a loop) is returned as it is: the check then judges it as written.
 *
 * @example
 * realPathOfNearestSync('/work/task/link-home/.bashrc'); // '/home/me/.bashrc'
 */
export function realPathOfNearestSync(path: string, links = 0): string {
  const missing: string[] = [];
  let current = path;
  try {
    for (;;) {
      try {
        return join(realpathSync(current), ...missing);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return path;
        if (isSymlinkSync(current)) {
          if (links >= MAX_LINKS) return path;
          const target = resolve(dirname(current), readlinkSync(current));
          return realPathOfNearestSync(join(target, ...missing), links + 1);
        }
        const parent = dirname(current);
        if (parent === current) return path;
        missing.unshift(basename(current));
        current = parent;
      }
    }
  } catch {
    return path;
  }
}

/**
 * Turns a path a model gave a file tool into the real path to use, or a refusal: relative
 * paths start at the task root, `~` is the home directory, and the real path must pass
 * `checkRealPath`. The file operation then uses the returned real path, never the model's
 * spelling, so a symlink cannot redirect it after the check.
 *
 * @example
 * await resolveToolPath('src/../notes.md', { root: '/work/task', homeDir: '/home/me' });
 * // { allowed: true, path: '/work/task/notes.md' }
 */
export async function resolveToolPath(
  requested: string,
  context: SandboxContext,
): Promise<ResolvedToolPath> {
  const syntax = checkRequestedPath(requested);
  if (!syntax.allowed) return syntax;
  const expanded = requested.replace(/^~(?=\/|$)/, context.homeDir);
  const absolute = isAbsolute(expanded) ? expanded : join(context.root, expanded);
  const real = await realPathOfNearest(absolute);
  const decision = checkRealPath(real, context);
  return decision.allowed ? { allowed: true, path: real } : decision;
}
