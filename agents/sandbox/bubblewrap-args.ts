import { FORWARD_DIR } from './network-forwarding.js';
import { type Mount, SANDBOX_HOME } from './sandbox.js';
import type { SystemMounts } from './system-mounts.js';

/** Everything that decides a bubblewrap command line; see `bubblewrapArgs`. */
export interface BubblewrapPlan {
  system: SystemMounts;
  /** The task directory, mounted read-write at its own path. */
  root: string;
  /** Paths inside the root hidden from the command (the orchestrator's state directory). */
  hidden: { path: string; directory: boolean }[];
  writable: readonly Mount[];
  readOnly: readonly string[];
  /** `forwarded`: no network but the allow list's forwarders (`forwardDir`, `hostsFile`). */
  network: 'none' | 'host' | 'forwarded';
  forwardDir?: string;
  hostsFile?: string;
  /** With `host` network, the file /etc/resolv.conf links to (often under /run, not mounted). */
  resolvConf?: string;
  /** Appear as root inside (a user without privileges needs it to listen on a port below 1024). */
  rootInside?: boolean;
  /** Whether a seccomp program comes on file descriptor 3 (`seccompFilter`). */
  seccomp?: boolean;
  /** The size of the sandbox's /tmp (and home), in bytes. */
  tmpBytes: number;
  /**
   * The user's home and key directories, hidden wherever a read-only mount would show them
   * (a Node.js installed in the home, a configured read-only path that contains it).
   */
  protectedInMounts?: { path: string; directory: boolean }[];
}

/**
 * Parts of /proc that act on the whole machine (sysctls, IRQs, buses): read-only, as root
 * inside the sandbox is still root to them. Docker's list.
 */
const PROC_READ_ONLY = ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus', '/proc/fs'];
/** Parts of /proc that show the machine's memory, keys and timers: hidden. */
const PROC_HIDDEN = [
  '/proc/kcore',
  '/proc/keys',
  '/proc/timer_list',
  '/proc/sched_debug',
  '/proc/latency_stats',
];

function hide(entry: { path: string; directory: boolean }): string[] {
  return entry.directory
    ? ['--tmpfs', entry.path, '--remount-ro', entry.path]
    : ['--ro-bind', '/dev/null', entry.path];
}

/**
 * The bubblewrap options that build a sandbox from nothing: a new root with only the system
 * directories (read-only, minus what only their owner may read), a private /proc (its own pid
 * namespace: no other process's environment or memory), a minimal /dev, an empty /tmp with an
 * empty home in it, the task directory read-write with the orchestrator's own paths in it
 * hidden, no network unless the plan says so, no capabilities, a new session (no terminal
 * injection) and death with the parent. Pure, so the command line is tested as data.
 *
 * @example
 * ['bwrap', ...bubblewrapArgs(plan), '--', 'bash', '-c', 'npm test']
 */
export function bubblewrapArgs(
  plan: BubblewrapPlan,
  existing: (path: string) => boolean = () => true,
): string[] {
  // No user namespace inside: nothing can map itself new privileges there.
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
  ];
  if (plan.network === 'host') args.push('--share-net');
  if (plan.rootInside) args.push('--uid', '0', '--gid', '0');
  args.push('--cap-drop', 'ALL');
  // A private network namespace: binding a low port there reaches nothing outside it.
  if (plan.network === 'forwarded') args.push('--cap-add', 'CAP_NET_BIND_SERVICE');
  args.push('--hostname', 'sandbox');
  if (plan.seccomp) args.push('--seccomp', '3');
  args.push('--proc', '/proc');
  for (const path of PROC_READ_ONLY) if (existing(path)) args.push('--ro-bind', path, path);
  for (const path of PROC_HIDDEN) if (existing(path)) args.push('--ro-bind', '/dev/null', path);
  args.push(
    '--dev',
    '/dev',
    '--size',
    String(plan.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--dir',
    SANDBOX_HOME,
  );
  args.push('--symlink', '../tmp', '/var/tmp', '--dir', '/run');
  for (const dir of plan.system.readOnly) args.push('--ro-bind', dir, dir);
  for (const link of plan.system.symlinks) args.push('--symlink', link.target, link.path);
  for (const entry of plan.system.masked) args.push(...hide(entry));
  if (plan.hostsFile) args.push('--ro-bind', plan.hostsFile, '/etc/hosts');
  if (plan.resolvConf) args.push('--ro-bind', plan.resolvConf, '/etc/resolv.conf');
  for (const path of plan.readOnly) args.push('--ro-bind', path, path);
  // Left writable until the task is mounted: the task may lie inside the home.
  const covered = plan.protectedInMounts ?? [];
  for (const entry of covered) {
    args.push(
      ...(entry.directory ? ['--tmpfs', entry.path] : ['--ro-bind', '/dev/null', entry.path]),
    );
  }
  args.push('--bind', plan.root, plan.root);
  for (const entry of covered) if (entry.directory) args.push('--remount-ro', entry.path);
  for (const entry of plan.hidden) args.push(...hide(entry));
  for (const mount of plan.writable) args.push('--bind', mount.source, mount.target);
  if (plan.forwardDir) args.push('--bind', plan.forwardDir, FORWARD_DIR);
  // The new root itself takes no files: only /tmp, the task and the given mounts are writable.
  args.push('--remount-ro', '/', '--chdir', plan.root);
  return args;
}
