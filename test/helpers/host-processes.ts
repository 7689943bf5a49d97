import { readdirSync, readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';

/**
 * The host's processes whose command line contains `marker` (zombies aside). A sandboxed
 * process has a pid of its own namespace inside; seen from here, only its command line tells it.
 */
export function hostProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      // bwrap's own command line holds the command text; only the program itself counts.
      if (cmdline.includes(marker) && !/^[ZX]$/.test(state) && !cmdline.includes('bwrap'))
        found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Waits until no host process carries `marker`: a kill is delivered asynchronously. */
export async function expectNoProcessWith(marker: string, timeout = 3_000): Promise<void> {
  await vi.waitFor(() => expect(hostProcessesWith(marker)).toEqual([]), { timeout });
}
