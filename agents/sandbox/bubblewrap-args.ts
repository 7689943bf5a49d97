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
}

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
export function bubblewrapArgs(plan: BubblewrapPlan): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-all'];
  if (plan.network === 'host') args.push('--share-net');
  if (plan.rootInside) args.push('--uid', '0', '--gid', '0');
  args.push('--cap-drop', 'ALL');
  // A private network namespace: binding a low port there reaches nothing outside it.
  if (plan.network === 'forwarded') args.push('--cap-add', 'CAP_NET_BIND_SERVICE');
  args.push('--hostname', 'sandbox');
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', SANDBOX_HOME);
  args.push('--tmpfs', '/var/tmp', '--tmpfs', '/run');
  for (const dir of plan.system.readOnly) args.push('--ro-bind', dir, dir);
  for (const link of plan.system.symlinks) args.push('--symlink', link.target, link.path);
  for (const entry of plan.system.masked) args.push(...hide(entry));
  if (plan.hostsFile) args.push('--ro-bind', plan.hostsFile, '/etc/hosts');
  if (plan.resolvConf) args.push('--ro-bind', plan.resolvConf, '/etc/resolv.conf');
  for (const path of plan.readOnly) args.push('--ro-bind', path, path);
  args.push('--bind', plan.root, plan.root);
  for (const entry of plan.hidden) args.push(...hide(entry));
  for (const mount of plan.writable) args.push('--bind', mount.source, mount.target);
  if (plan.forwardDir) args.push('--bind', plan.forwardDir, FORWARD_DIR);
  args.push('--chdir', plan.root);
  return args;
}
