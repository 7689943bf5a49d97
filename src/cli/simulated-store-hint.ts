import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIo } from './cli-io.js';
import { namedStore, type RuntimeOptions, simulatedStorePath, simulating } from './open-runtime.js';

/**
 * One line telling a user who looks at the real store that simulated runs exist apart from it
 * (`.cto/simulated/`) and how to see them; null when there are none, or when the user is
 * already looking at them or named a store.
 *
 * @example
 * const hint = simulatedStoreHint(io, globals); if (hint) io.stderr(`${hint}\n`);
 */
export function simulatedStoreHint(io: CliIo, options: RuntimeOptions): string | null {
  if (simulating(io, options) || namedStore(io, options)) return null;
  if (!existsSync(resolve(io.cwd, simulatedStorePath))) return null;
  return `note: simulated runs are kept apart, in ${simulatedStorePath}; add --simulate to see them (cto status --simulate, cto resume --simulate)`;
}
