import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nanoid } from 'nanoid';

/** A cgroup that caps the processes of one sandbox, as the kernel's process limit skips root. */
export interface PidsCgroup {
  /** Wraps a command so that it enters the cgroup before it starts anything. */
  wrap(file: string, args: readonly string[]): { file: string; args: string[] };
  /** Kills what is left in it and removes it. */
  dispose(): Promise<void>;
}

/** Where this process may make pids cgroups: cgroup v1's pids hierarchy, or v2's root. */
function pidsHierarchy(): string | null {
  const v1 = '/sys/fs/cgroup/pids';
  if (existsSync(join(v1, 'cgroup.procs'))) return v1;
  const v2 = '/sys/fs/cgroup';
  try {
    if (!readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('pids')) {
      return null;
    }
    return v2;
  } catch {
    return null;
  }
}

let base: string | null | undefined;

/** The parent of the sandboxes' cgroups, made once; null where none can be made. */
function sandboxesCgroup(): string | null {
  if (base !== undefined) return base;
  base = null;
  const hierarchy = pidsHierarchy();
  if (!hierarchy) return base;
  const parent = join(hierarchy, 'cto-sandbox');
  try {
    mkdirSync(parent, { recursive: true });
    // cgroup v2: the controller must be enabled for the children of each level.
    if (hierarchy === '/sys/fs/cgroup') {
      writeFileSync(join(hierarchy, 'cgroup.subtree_control'), '+pids');
      writeFileSync(join(parent, 'cgroup.subtree_control'), '+pids');
    }
    base = parent;
  } catch {
    base = null;
  }
  return base;
}

function killAll(dir: string): void {
  let pids: string[] = [];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/**
 * A fresh cgroup holding at most `maxProcesses` processes, for a sandbox run by root; null when
 * not root (the process limit then works inside the sandbox's user namespace) or when no
 * cgroup can be made here.
 *
 * @example
 * const cgroup = createPidsCgroup(512);
 * const { file, args } = cgroup ? cgroup.wrap('bwrap', bwrapArgs) : { file: 'bwrap', args: bwrapArgs };
 */
export function createPidsCgroup(maxProcesses: number): PidsCgroup | null {
  if (process.getuid?.() !== 0) return null;
  const parent = sandboxesCgroup();
  if (!parent) return null;
  const dir = join(parent, nanoid(10));
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'pids.max'), String(maxProcesses));
  } catch {
    return null;
  }
  let disposed = false;
  return {
    wrap: (file, args) => ({
      file: '/bin/sh',
      args: ['-c', 'echo $$ > "$0" && exec "$@"', join(dir, 'cgroup.procs'), file, ...args],
    }),
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (let attempt = 0; attempt < 50; attempt++) {
        killAll(dir);
        try {
          rmdirSync(dir);
          return;
        } catch {
          // Killed processes leave the cgroup a moment later.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    },
  };
}
