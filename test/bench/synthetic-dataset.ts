import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One row of a synthetic `per_instance.csv`. */
export interface SyntheticRow {
  instance: string;
  model: string;
  resolved: boolean;
  costUsd: number;
  /** `per_instance_consistent`; true unless set. */
  consistent?: boolean;
}

/**
 * Writes a tiny dataset folder (never the real data) in a fresh temporary directory and
 * returns its path.
 */
export function writeSyntheticDataset(rows: readonly SyntheticRow[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'routing-bench-data-'));
  const lines = [
    'instance_id,repo,model_id,resolved,cost_usd,api_calls,per_instance_consistent',
    ...rows.map(
      (r) =>
        `${r.instance},owner/repo,${r.model},${r.resolved ? 1 : 0},${r.costUsd},10,${r.consistent === false ? 0 : 1}`,
    ),
  ];
  writeFileSync(join(dir, 'per_instance.csv'), `${lines.join('\n')}\n`);
  return dir;
}
