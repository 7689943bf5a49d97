import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { nanoid } from 'nanoid';

/**
 * The cgroups one sandbox runs in: they cap its processes (the kernel's per-user process limit
 * does not apply to root) and its memory, tmpfs included (a per-process limit cannot see
 * /tmp, nor add processes up).
 */
export interface SandboxCgroup {
  /** The `cgroup.procs` files the sandbox's first process writes its pid into. */
  procs: string[];
  /** Kills what is left in them and removes them; never rejects. */
  dispose(): Promise<void>;
}

interface Hierarchy {
  /** Where this process makes the sandboxes' cgroups. */
  base: string;
  /** The files that set the limits there. */
  pids: string | null;
  memory: string | null;
}

/** This process's own cgroup in a v1 hierarchy (`/process_api/…` for memory, say). */
function ownPath(controller: string): string {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[1]?.split(',').includes(controller));
    return line?.split(':')[2] ?? '/';
  } catch {
    return '/';
  }
}

function removeQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // still in use, or gone
  }
}

/** Makes the sandboxes' parent cgroup, and removes what sandboxes of a crashed process left. */
function prepare(base: string, enable?: string[]): boolean {
  try {
    mkdirSync(base, { recursive: true });
    // Only old ones: another process may have just made one it is about to enter.
    const old = Date.now() - 60_000;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const dir = join(base, entry.name);
      if (entry.isDirectory() && statSync(dir).mtimeMs < old) removeQuietly(dir);
    }
    if (enable) {
      const parent = join(base, '..');
      writeFileSync(join(parent, 'cgroup.subtree_control'), enable.join(' '));
      writeFileSync(join(base, 'cgroup.subtree_control'), enable.join(' '));
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Where sandboxes' cgroups can be made: cgroup v1's pids and memory hierarchies (nested in
 * this process's own cgroups, so limits set on the orchestrator still hold), or cgroup v2's
 * root. Found once.
 */
function findHierarchies(): Hierarchy[] {
  const v2 = '/sys/fs/cgroup';
  const controllers = existsSync(join(v2, 'cgroup.controllers'))
    ? readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/)
    : [];
  if (controllers.includes('pids') || controllers.includes('memory')) {
    const enable = ['pids', 'memory'].filter((c) => controllers.includes(c));
    const base = join(v2, 'cto-sandbox');
    return prepare(
      base,
      enable.map((c) => `+${c}`),
    )
      ? [
          {
            base,
            pids: enable.includes('pids') ? 'pids.max' : null,
            memory: enable.includes('memory') ? 'memory.max' : null,
          },
        ]
      : [];
  }
  const found: Hierarchy[] = [];
  for (const [controller, limit] of [
    ['pids', 'pids.max'],
    ['memory', 'memory.limit_in_bytes'],
  ] as const) {
    const root = join(v2, controller);
    if (!existsSync(join(root, 'cgroup.procs'))) continue;
    const base = join(root, ownPath(controller), 'cto-sandbox');
    if (prepare(base)) {
      found.push({
        base,
        pids: controller === 'pids' ? limit : null,
        memory: controller === 'memory' ? limit : null,
      });
    }
  }
  return found;
}

let hierarchies: Hierarchy[] | undefined;

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
 * Fresh cgroups for one sandbox run by root, holding at most `processes` processes and
 * `memoryBytes` of memory; null when not root (the process limit then works inside the
 * sandbox's user namespace) or where no cgroup can be made.
 *
 * @example
 * const cgroup = createSandboxCgroup({ processes: 512, memoryBytes: 8 << 30 });
 * // the first process writes its pid into each of cgroup.procs, then execs bwrap
 */
export function createSandboxCgroup(limits: {
  processes: number;
  memoryBytes: number;
}): SandboxCgroup | null {
  if (process.getuid?.() !== 0) return null;
  hierarchies ??= findHierarchies();
  const id = nanoid(10);
  const dirs: string[] = [];
  try {
    for (const hierarchy of hierarchies) {
      const dir = join(hierarchy.base, id);
      mkdirSync(dir);
      dirs.push(dir);
      if (hierarchy.pids) writeFileSync(join(dir, hierarchy.pids), String(limits.processes));
      if (hierarchy.memory) writeFileSync(join(dir, hierarchy.memory), String(limits.memoryBytes));
    }
  } catch {
    for (const dir of dirs) removeQuietly(dir);
    return null;
  }
  if (dirs.length === 0) return null;
  let disposed = false;
  return {
    procs: dirs.map((dir) => join(dir, 'cgroup.procs')),
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const dir of dirs) {
        for (let attempt = 0; attempt < 50; attempt++) {
          killAll(dir);
          try {
            rmdirSync(dir);
            break;
          } catch {
            // Killed processes leave the cgroup a moment later.
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
      }
    },
  };
}
