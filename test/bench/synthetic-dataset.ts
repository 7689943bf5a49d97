import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dataset, type Item, loadDataset, type Outcome } from '../../bench/routing/dataset.js';
import { readDatasetSpec } from '../../bench/routing/read-dataset-spec.js';

/** One row of a synthetic long-layout dataset. */
export interface SyntheticRow {
  instance: string;
  model: string;
  resolved: boolean;
  costUsd: number;
}

/**
 * A spec for synthetic long-layout data in `data.csv` beside it: every model added by
 * configuration under its own name lower-cased, tier 1, $1/$1, coding.
 */
export function syntheticSpec(models: readonly string[]): Record<string, unknown> {
  return {
    name: 'synthetic',
    credit: 'made up by the test',
    file: 'data.csv',
    item: 'instance_id',
    type: 'coding',
    recommends: models[0]?.toLowerCase(),
    outcomes: { layout: 'long', model: 'model_id', solved: 'resolved', cost: 'cost_usd' },
    estimated_tokens_per_call: 1000,
    models: Object.fromEntries(
      models.map((model) => [
        model,
        { added: model.toLowerCase(), tier: 1, input_price_per_mtok: 1, output_price_per_mtok: 1 },
      ]),
    ),
    target: { error_rate: 0.1, max_cost_share: 0.25 },
  };
}

/**
 * Writes a spec and its CSV (never the real data) in a fresh temporary directory and returns
 * the spec's path. `spec` defaults to {@link syntheticSpec} over the rows' models.
 */
export function writeSyntheticSpec(csv: string, spec: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'routing-bench-data-'));
  writeFileSync(join(dir, 'data.csv'), csv);
  const path = join(dir, 'spec.json');
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** The long-layout CSV of some rows. */
export function longCsv(rows: readonly SyntheticRow[]): string {
  const lines = [
    'instance_id,model_id,resolved,cost_usd',
    ...rows.map((r) => `${r.instance},${r.model},${r.resolved ? 1 : 0},${r.costUsd}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Loads synthetic rows through the spec reader and the loader; throws the loader's line.
 *
 * @example
 * syntheticDataset([{ instance: 't1', model: 'A', resolved: true, costUsd: 1 }, …]).models; // ['a', …]
 */
export function syntheticDataset(
  rows: readonly SyntheticRow[],
  spec: Record<string, unknown> = syntheticSpec([...new Set(rows.map((r) => r.model))]),
): Dataset {
  const read = readDatasetSpec(writeSyntheticSpec(longCsv(rows), spec));
  if (!read.ok) throw new Error(read.message);
  const load = loadDataset(read.spec, read.dataFile);
  if (!load.ok) throw new Error(load.message);
  return load.dataset;
}

/**
 * A dataset built in memory, without a spec or a file: each model of `outcomes` stands for the
 * dataset model of its name in capitals.
 *
 * @example
 * datasetOf(items, new Map([['a', new Map([['t1', { resolved: true, costUsd: 1 }]])]])).models; // ['a']
 */
export function datasetOf(items: Item[], outcomes: Map<string, Map<string, Outcome>>): Dataset {
  const models = [...outcomes.keys()];
  return {
    name: 'synthetic',
    credit: 'made up by the test',
    file: 'none',
    items,
    models,
    datasetModelOf: Object.fromEntries(models.map((model) => [model, model.toUpperCase()])),
    outcomes,
    skippedRows: 0,
  };
}
