import { constants, existsSync, statSync } from 'node:fs';
import {
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  rename,
  unlink,
} from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { nanoid } from 'nanoid';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/** Symbolic links followed in one path before giving up, as the kernel does (ELOOP). */
const MAX_LINKS = 40;

/** A file tool's request the task directory refuses; the message is for the model. */
export class TaskPathError extends Error {
  override name = 'TaskPathError';
}

/** A directory entry as `list` gives it. */
export interface TaskEntry {
  name: string;
  directory: boolean;
}

/** The file operations of the tools, confined to one task directory; see `openTaskDirectory`. */
export interface TaskDirectory {
  readonly root: string;
  /** A regular file's bytes; refused when larger than `maxBytes`. */
  read(path: string, maxBytes: number): Promise<Buffer>;
  /** Creates or replaces a regular file (atomically, keeping its mode), making parent directories. */
  write(path: string, content: string | Buffer): Promise<void>;
  list(path: string): Promise<TaskEntry[]>;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

interface Identity {
  dev: number;
  ino: number;
}

const sameFile = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;

/**
 * Opens files under `root` without ever letting the kernel follow a symbolic link: each
 * component is opened relative to the directory opened before it (through `/proc/self/fd`,
 * which is `openat` for Node.js) with `O_NOFOLLOW`. A link is read and resolved here, by its
 * text, and followed only while it stays inside the root; so no link, and no link swapped in
 * by a racing process, can lead a tool outside. Only regular files and directories are used:
 * a FIFO, socket or device is refused before any read (opened non-blocking). Paths listed in
 * `hidden` (the orchestrator's state directory) are refused wherever they are met.
 *
 * Where `/proc` is missing (macOS) the components are checked by path, which a process
 * racing the tool could in principle defeat; the sandbox still confines every command.
 *
 * @example
 * const files = openTaskDirectory('/work/task', { hidden: ['/work/task/.cto'] });
 * await files.write('src/a.ts', 'export {};');
 * (await files.read('src/a.ts', 1_000_000)).toString(); // 'export {};'
 */
export function openTaskDirectory(
  root: string,
  options: { hidden?: readonly string[] } = {},
): TaskDirectory {
  const viaFd = existsSync('/proc/self/fd');
  const hidden: Identity[] = (options.hidden ?? []).flatMap((path) => {
    try {
      const info = statSync(path);
      return [{ dev: info.dev, ino: info.ino }];
    } catch {
      return [];
    }
  });

  /** The path of `name` in the opened directory `dir` (at `logical`), for the next open. */
  const inDir = (dir: FileHandle, logical: string, name: string) =>
    viaFd ? `/proc/self/fd/${dir.fd}/${name}` : join(root, logical, name);

  /** The components of a requested path relative to the root, or a refusal. */
  function components(requested: string): string[] {
    if (requested.includes('\0')) throw new TaskPathError('refused: the path contains a NUL byte');
    const absolute = isAbsolute(requested) ? normalize(requested) : join(root, requested);
    const inside = relative(root, absolute);
    if (inside === '') return [];
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new TaskPathError(`refused: ${requested} is outside the task directory ${root}`);
    }
    return inside.split('/');
  }

  async function checkHidden(handle: FileHandle, shown: string): Promise<void> {
    const info = await handle.stat();
    if (hidden.some((entry) => sameFile(entry, info))) {
      throw new TaskPathError(`refused: ${shown} holds the orchestrator's own state`);
    }
  }

  /** Where a link found at `parts[0..index]` points, as components from the root. */
  async function followLink(dir: FileHandle, parts: string[], index: number, requested: string) {
    const target = await readlink(
      inDir(dir, parts.slice(0, index).join('/'), parts[index] as string),
    );
    const absolute = isAbsolute(target)
      ? normalize(target)
      : join(root, ...parts.slice(0, index), target);
    const resolved = relative(root, absolute);
    if (resolved.startsWith('..') || isAbsolute(resolved)) {
      throw new TaskPathError(
        `refused: ${requested} leads through a link to outside the task directory`,
      );
    }
    return [...(resolved === '' ? [] : resolved.split('/')), ...parts.slice(index + 1)];
  }

  /**
   * Opens the directory that holds the last component of `requested` (creating missing ones
   * when `create`), with links inside the root resolved; returns it with the final name.
   */
  async function parentOf(
    requested: string,
    create: boolean,
  ): Promise<{ dir: FileHandle; parts: string[] }> {
    let parts = components(requested);
    for (let links = 0; links <= MAX_LINKS; links++) {
      let dir = await open(root, O_RDONLY | O_DIRECTORY);
      let restart = false;
      let madeAt = -1;
      try {
        for (let index = 0; index < parts.length - 1; index++) {
          const path = inDir(dir, parts.slice(0, index).join('/'), parts[index] as string);
          let next: FileHandle;
          try {
            next = await open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
          } catch (error) {
            const code = errno(error);
            // Made once per component: one that vanishes again is an error, not a loop.
            if (code === 'ENOENT' && create && madeAt !== index) {
              await mkdir(path).catch((e) =>
                errno(e) === 'EEXIST' ? undefined : Promise.reject(e),
              );
              madeAt = index;
              index--;
              continue;
            }
            if ((code === 'ELOOP' || code === 'ENOTDIR') && (await lstat(path)).isSymbolicLink()) {
              parts = await followLink(dir, parts, index, requested);
              restart = true;
              break;
            }
            throw error;
          }
          await dir.close();
          dir = next;
          await checkHidden(dir, requested);
        }
      } catch (error) {
        await dir.close();
        throw error;
      }
      if (!restart) return { dir, parts };
      await dir.close();
    }
    throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
  }

  /** Opens `requested` itself without following a link there (links inside the root resolved). */
  async function openEntry(requested: string, flags: number): Promise<FileHandle> {
    let path = requested;
    for (let links = 0; links <= MAX_LINKS; links++) {
      const { dir, parts } = await parentOf(path, false);
      try {
        if (parts.length === 0) return await open(root, flags);
        const last = parts.length - 1;
        const entry = inDir(dir, parts.slice(0, last).join('/'), parts[last] as string);
        try {
          const handle = await open(entry, flags | O_NOFOLLOW | O_NONBLOCK);
          await checkHidden(handle, requested).catch(async (error) => {
            await handle.close();
            throw error;
          });
          return handle;
        } catch (error) {
          const code = errno(error);
          if ((code === 'ELOOP' || code === 'ENOTDIR') && (await lstat(entry)).isSymbolicLink()) {
            path = (await followLink(dir, parts, last, requested)).join('/') || '.';
            continue;
          }
          if (code === 'ENXIO')
            throw new TaskPathError(`refused: ${requested} is a socket, not a file`);
          throw error;
        }
      } finally {
        await dir.close();
      }
    }
    throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
  }

  return {
    root,

    async read(path, maxBytes) {
      const handle = await openEntry(path, O_RDONLY);
      try {
        const info = await handle.stat();
        if (info.isDirectory())
          throw new TaskPathError(`${path} is a directory; use list_directory`);
        if (!info.isFile()) throw new TaskPathError(`refused: ${path} is not a regular file`);
        if (info.size > maxBytes) {
          throw new TaskPathError(
            `${path} has ${info.size} bytes, too many to read; use run_command with head or grep`,
          );
        }
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },

    async write(path, content) {
      let target = path;
      for (let links = 0; links <= MAX_LINKS; links++) {
        const { dir, parts } = await parentOf(target, true);
        try {
          if (parts.length === 0)
            throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
          const last = parts.length - 1;
          const logical = parts.slice(0, last).join('/');
          const name = parts[last] as string;
          const entry = inDir(dir, logical, name);
          let mode = 0o644;
          const existing = await lstat(entry).catch(() => null);
          if (existing?.isSymbolicLink()) {
            target = (await followLink(dir, parts, last, path)).join('/');
            continue;
          }
          if (existing?.isDirectory())
            throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
          if (existing && !existing.isFile())
            throw new TaskPathError(`refused: ${path} is not a regular file`);
          // Permission bits only: a setuid or setgid bit on a file a model wrote would make
          // whoever runs it the file's owner.
          if (existing) mode = existing.mode & 0o777;
          // A new file renamed over the old one: a link or a FIFO swapped in meanwhile is replaced,
          // never written through, and a reader never sees half a file.
          const temporary = inDir(dir, logical, `.${name}.cto-${nanoid(8)}`);
          const handle = await open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
          try {
            await handle.writeFile(content);
            await handle.chmod(mode);
          } finally {
            await handle.close();
          }
          await rename(temporary, entry).catch(async (error) => {
            await unlink(temporary).catch(() => undefined);
            throw error;
          });
          return;
        } finally {
          await dir.close();
        }
      }
      throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
    },

    async list(path) {
      const handle = await openEntry(path, O_RDONLY | O_DIRECTORY);
      try {
        const listing = viaFd ? `/proc/self/fd/${handle.fd}` : join(root, ...components(path));
        const entries = await readdir(listing, { withFileTypes: true });
        const shown: TaskEntry[] = [];
        for (const entry of entries) {
          const info = await lstat(join(listing, entry.name)).catch(() => null);
          if (info && hidden.some((h) => sameFile(h, info))) continue;
          shown.push({ name: entry.name, directory: entry.isDirectory() });
        }
        return shown;
      } finally {
        await handle.close();
      }
    },
  };
}
