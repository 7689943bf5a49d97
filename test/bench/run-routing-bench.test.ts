import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { longCsv, syntheticSpec, writeSyntheticSpec } from './synthetic-dataset.js';

/** Runs the bench's entry point on the given spec files; its exit code and output. */
async function runBench(specs: string[]) {
  const run = promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/routing/run-routing-bench.ts', ...specs, '--seeds', '1'],
    { cwd: join(import.meta.dirname, '../..') },
  );
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const rows = ['t1', 't2', 't3'].flatMap((instance) =>
  ['Zeta', 'Omega'].map((model) => ({ instance, model, resolved: model === 'Omega', costUsd: 1 })),
);

describe('the bench entry point', () => {
  it('prints one line per bad spec or dataset and exits with 1 before replaying anything', async () => {
    const missing = writeSyntheticSpec('', {
      ...syntheticSpec(['Zeta', 'Omega']),
      file: 'absent.csv',
    });
    const badRole = writeSyntheticSpec(longCsv(rows), {
      ...syntheticSpec(['Zeta', 'Omega']),
      models: {
        Zeta: { catalog: 'zeta' },
        Omega: { added: 'omega', tier: 2, input_price_per_mtok: 1, output_price_per_mtok: 1 },
      },
    });
    const failure = await runBench([missing, badRole]);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    const lines = failure.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^routing dataset not found: .*absent\.csv \(the file the spec names\)$/,
    );
    expect(lines[1]).toMatch(
      /spec\.json: models\.Zeta\.catalog: expected one of the catalog's models/,
    );
  });

  it('prints the table and the targets for a good spec', async () => {
    const good = writeSyntheticSpec(longCsv(rows), syntheticSpec(['Zeta', 'Omega']));
    const { code, stdout } = await runBench([good]);
    expect(code).toBe(0);
    expect(stdout).toContain('== synthetic: 3 items (3 coding)');
    expect(stdout).toMatch(/Reviewer error p = 0\.1 /);
    expect(stdout).toMatch(/^always strongest \(omega\) +100\.0 +\$3\.00 +100\.0%/m);
    expect(stdout).toContain('Target at p = 0.1: solve at least 100.0% (always omega)');
  });
});
