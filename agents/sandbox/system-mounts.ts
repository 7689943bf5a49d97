import {
  type Dirent,
  existsSync,
  lstatSync,
  readdirSync,
  readlinkSync,
  realpathSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { isWithin } from './is-within.js';

/** What a confined process sees of the system, all of it read-only. */
export interface SystemMounts {
  /** Directories bound read-only at their own place. */
  readOnly: string[];
  /** Top-level links such as `/bin -> usr/bin` (merged /usr), recreated as they are. */
  symlinks: { path: string; target: string }[];
  /** Paths under those directories that only their owner or group may read: hidden. */
  masked: { path: string; directory: boolean }[];
}

/** System directories a program needs to run; anything else on the machine stays out of sight. */
const SYSTEM_DIRECTORIES = ['/usr', '/etc', '/opt', '/nix'];
/** The top-level directories a merged /usr makes links of. */
const LIBRARY_LINKS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** Directories whose non-world-readable entries are hidden: small enough to walk at start. */
const WALKED = ['/etc'];
/** Enough for any /etc; a tree larger than this is not walked further (and says so). */
const MAX_WALKED_ENTRIES = 50_000;

/**
 * Entries under `directory` that other users may not read: what the machine's owner has kept
 * from everyone else (`/etc/shadow`, `/etc/ssl/private`, a service's password file). As root,
 * a sandboxed process could read them despite their mode, so they are hidden instead.
 */
function unreadableEntries(directory: string): SystemMounts['masked'] {
  const masked: SystemMounts['masked'] = [];
  const pending = [directory];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_WALKED_ENTRIES) {
    const current = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen++;
      if (entry.isSymbolicLink()) continue;
      const path = join(current, entry.name);
      let mode: number;
      try {
        mode = lstatSync(path).mode;
      } catch {
        continue;
      }
      const directoryEntry = entry.isDirectory();
      const open = directoryEntry ? (mode & 0o005) === 0o005 : (mode & 0o004) !== 0;
      if (!open) masked.push({ path, directory: directoryEntry });
      else if (directoryEntry) pending.push(path);
    }
  }
  return masked;
}

/**
 * The directory Node.js was installed in, when it lies outside the system directories (nvm,
 * volta, a tarball in /home): tasks run `node` and `npm` like the orchestrator does. A prefix
 * that holds the home directory (node in ~/bin) is not mounted; the program alone is.
 */
function nodePrefix(execPath: string, home: string): string[] {
  const program = realpathSync(execPath);
  const prefix = dirname(dirname(program));
  if (SYSTEM_DIRECTORIES.some((dir) => isWithin(prefix, dir))) return [];
  return isWithin(home, prefix) ? [program] : [prefix];
}

const cached = new Map<string, SystemMounts>();

/**
 * The read-only view of the system every confined process gets: /usr, /etc, /opt and /nix
 * where they exist, the links of a merged /usr, and the directory of the running Node.js.
 * What only its owner may read under /etc is hidden. Computed once per home.
 *
 * @example
 * systemMounts('/home/me'); // { readOnly: ['/usr', '/etc', '/opt'], symlinks: [{ path: '/bin', target: 'usr/bin' }, …], masked: [{ path: '/etc/shadow', directory: false }, …] }
 */
export function systemMounts(home: string): SystemMounts {
  const known = cached.get(home);
  if (known) return known;
  const readOnly = SYSTEM_DIRECTORIES.filter((dir) => existsSync(dir));
  const symlinks: SystemMounts['symlinks'] = [];
  for (const path of LIBRARY_LINKS) {
    let info: ReturnType<typeof lstatSync>;
    try {
      info = lstatSync(path);
    } catch {
      continue;
    }
    if (info.isSymbolicLink()) symlinks.push({ path, target: readlinkSync(path) });
    else if (info.isDirectory()) readOnly.push(path);
  }
  readOnly.push(...nodePrefix(process.execPath, home));
  const masked = WALKED.filter((dir) => existsSync(dir)).flatMap(unreadableEntries);
  const mounts = { readOnly, symlinks, masked };
  cached.set(home, mounts);
  return mounts;
}

/**
 * Whether `path` is visible inside the sandbox as part of the system (so a `PATH` entry there
 * still finds programs).
 *
 * @example
 * isSystemPath('/usr/local/bin', systemMounts(homedir())); // true
 */
export function isSystemPath(path: string, mounts: SystemMounts): boolean {
  return (
    mounts.readOnly.some((dir) => isWithin(path, dir)) ||
    mounts.symlinks.some((link) => isWithin(path, link.path))
  );
}
