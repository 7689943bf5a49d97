import type { NetworkAccess } from '../../src/config/sandbox-settings-schema.js';
import { forwardedHosts } from './network-forwarding.js';
import type { Mount } from './sandbox.js';

/** What decides a macOS sandbox profile; see `seatbeltProfile`. */
export interface SeatbeltPlan {
  root: string;
  /** The command's own temporary and home directories (made fresh for it). */
  scratch: readonly string[];
  /** Paths inside the root that stay out of reach. */
  hidden: readonly string[];
  writable: readonly Mount[];
  readOnly: readonly string[];
  network: NetworkAccess;
}

/** The system locations a program reads on macOS (Codex and sandbox-runtime read much the same). */
const SYSTEM_READ = [
  '/usr',
  '/bin',
  '/sbin',
  '/System',
  '/Library',
  '/private/etc',
  '/private/var/db/timezone',
  '/opt/homebrew',
  '/usr/local',
  '/Applications/Xcode.app',
  '/Library/Developer/CommandLineTools',
];

function quote(path: string): string {
  return JSON.stringify(path);
}

function subpaths(paths: readonly string[]): string {
  return paths.map((path) => `(subpath ${quote(path)})`).join(' ');
}

function networkRules(network: NetworkAccess): string[] {
  if (network === 'none') return [];
  if (network === 'host') return ['(allow network*)'];
  // Seatbelt filters by address, not by name: a named host opens its port on any address.
  return forwardedHosts(network.allow).map(({ inside, port }) =>
    inside === '127.0.0.1'
      ? `(allow network-outbound (remote tcp ${quote(`localhost:${port}`)}))`
      : `(allow network-outbound (remote tcp ${quote(`*:${port}`)}))`,
  );
}

/**
 * A `sandbox-exec` profile with the rules of the Linux sandbox, as far as Seatbelt can say
 * them: nothing allowed but what is listed; the system readable; the task directory, the
 * command's own temporary and home directories and the given mounts writable, minus the
 * hidden paths; the network as configured (an allow list by port, since Seatbelt cannot match
 * a host name). Generated here and unit-tested; it cannot be run on Linux.
 *
 * @example
 * execa('sandbox-exec', ['-p', seatbeltProfile(plan), '--', 'bash', '-c', command]);
 */
export function seatbeltProfile(plan: SeatbeltPlan): string {
  const writable = [plan.root, ...plan.scratch, ...plan.writable.map((mount) => mount.source)];
  const notHidden =
    plan.hidden.length > 0 ? ` (require-not (require-any ${subpaths(plan.hidden)}))` : '';
  return [
    '(version 1)',
    '(deny default)',
    '(allow process-exec process-fork)',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow mach-lookup)',
    '(allow ipc-posix-shm)',
    '(allow file-read-metadata)',
    `(allow file-read* (literal "/") ${subpaths([...SYSTEM_READ, ...plan.readOnly])})`,
    '(allow file-read* file-write* (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (literal "/dev/urandom") (literal "/dev/random"))',
    `(allow file-read* file-write* (require-all (require-any ${subpaths(writable)})${notHidden}))`,
    ...networkRules(plan.network),
  ].join('\n');
}
