import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { isWithin } from './is-within.js';

/** What the sandbox keeps from every task, whatever its directory. */
export interface ProtectedPaths {
  /** The user's home: a task directory may lie in it, but not be it or contain it. */
  home: string;
  /** Where keys live (`~/agents`, `~/.ssh` …): no task directory may lie in one. */
  secrets: readonly string[];
  /** The orchestrator's own files (its state directory, store, log): hidden inside a task directory. */
  hidden: readonly string[];
}

/** A task directory the sandbox will not confine a command to; the message says why. */
export class TaskRootError extends Error {
  override name = 'TaskRootError';
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The real path of a task directory, or a `TaskRootError` when confining a command to it
 * would hand over what the sandbox exists to protect: the whole file system, the user's home
 * (with every key and dotfile in it), or a directory of keys.
 *
 * @example
 * checkTaskRoot('/home/me/repo', protect); // '/home/me/repo'
 * checkTaskRoot('/home/me', protect); // throws: the working directory /home/me is your home directory …
 */
export function checkTaskRoot(root: string, protect: ProtectedPaths): string {
  let path: string;
  try {
    path = realpathSync(root);
  } catch {
    throw new TaskRootError(`the task's working directory ${root} does not exist`);
  }
  const home = real(protect.home);
  if (path === '/') {
    throw new TaskRootError(
      'the working directory is /: give a task its project directory (--workdir)',
    );
  }
  if (isWithin(home, path)) {
    const what = path === home ? 'is your home directory' : 'contains your home directory';
    throw new TaskRootError(
      `the working directory ${path} ${what}, with your keys and dotfiles: give the task its project directory (--workdir)`,
    );
  }
  const secret = protect.secrets.map(real).find((dir) => isWithin(path, dir));
  if (secret) {
    throw new TaskRootError(`the working directory ${path} lies in ${secret}, which holds keys`);
  }
  return path;
}
