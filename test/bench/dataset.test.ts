import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../bench/routing/dataset.js';
import { writeSyntheticDataset } from './synthetic-dataset.js';

const row = (instance: string, model: string, resolved: boolean, costUsd: number) => ({
  instance,
  model,
  resolved,
  costUsd,
});

describe('loadDataset', () => {
  it('drops the inconsistent rows and the flagged Devstral models', () => {
    const dir = writeSyntheticDataset([
      row('a', 'deepseek-v3.2-reasoner', true, 0.5),
      row('b', 'deepseek-v3.2-reasoner', false, 0.25),
      { ...row('a', 'claude-3-7-sonnet-20250219', true, 1), consistent: false },
      { ...row('b', 'claude-3-7-sonnet-20250219', true, 1), consistent: false },
      row('a', 'devstral-2512', true, 9),
      row('b', 'devstral-small-2512', true, 9),
    ]);
    const load = loadDataset(dir);
    if (!load.ok) throw new Error(load.message);
    const { dataset } = load;
    expect(dataset.models).toEqual(['deepseek-v3.2-reasoner']);
    expect(dataset.instances).toEqual(['a', 'b']);
    expect(dataset.outcomes.get('deepseek-v3.2-reasoner')?.get('b')).toEqual({
      resolved: false,
      costUsd: 0.25,
    });
    expect(dataset.dropped.map((d) => d.model)).toEqual([
      'claude-3-7-sonnet-20250219',
      'devstral-2512',
      'devstral-small-2512',
    ]);
    expect(dataset.dropped[0]?.why).toMatch(/inconsistent/);
    expect(dataset.dropped[1]?.why).toMatch(/flagged/);
  });

  it('says where it looked and how to pass --data when the folder is missing', () => {
    const missing = join(writeSyntheticDataset([]), 'no-such-folder');
    const load = loadDataset(missing);
    expect(load.ok).toBe(false);
    if (load.ok) return;
    expect(load.message).toContain(missing);
    expect(load.message).toContain('--data DIR');
  });

  it('refuses a model that lacks some instances', () => {
    const dir = writeSyntheticDataset([
      row('a', 'glm-4.6', true, 1),
      row('b', 'glm-4.6', true, 1),
      row('a', 'minimax-m2', true, 1),
    ]);
    const load = loadDataset(dir);
    expect(load.ok).toBe(false);
    if (!load.ok) expect(load.message).toMatch(/minimax-m2 has 1 of the 2 instances/);
  });
});

describe('the bench entry point', () => {
  it('prints one line and exits with 1 when the data is absent', async () => {
    const missing = join(writeSyntheticDataset([]), 'absent');
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/routing/run-routing-bench.ts', '--data', missing],
      { cwd: join(import.meta.dirname, '../..') },
    );
    const failure = await run.then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr.trim().split('\n')).toEqual([
      `routing dataset not found: no per_instance.csv in ${missing}; pass the swebench-verified-bash-only folder with --data DIR`,
    ]);
  });
});
