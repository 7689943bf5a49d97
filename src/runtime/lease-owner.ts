import { hostname } from 'node:os';
import { nanoid } from 'nanoid';

/**
 * This process's name in the leases it holds: host, pid and a random suffix (a pid is reused
 * in time; the suffix tells two lives of one pid apart).
 *
 * @example
 * leaseOwnerId(); // 'build-3:48213:Xb9_2k'
 */
export function leaseOwnerId(): string {
  return `${hostname()}:${process.pid}:${nanoid(6)}`;
}

/** Whether a process runs here under this pid (one we may not signal still counts). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a lease owner was a process of this host that is gone: its leases need not be waited
 * out (a `cto serve` killed here, then `cto resume` at once). Owners of other hosts, and names
 * not made by {@link leaseOwnerId}, are never taken as dead: their leases expire.
 *
 * @example
 * deadLocalOwner('build-3:48213:Xb9_2k'); // true once pid 48213 has exited on build-3
 */
export function deadLocalOwner(
  owner: string,
  host = hostname(),
  isRunning: (pid: number) => boolean = running,
): boolean {
  const parts = owner.split(':');
  if (parts.length < 3) return false;
  const pid = Number(parts.at(-2));
  const ownerHost = parts.slice(0, -2).join(':');
  return ownerHost === host && Number.isInteger(pid) && pid > 0 && !isRunning(pid);
}
