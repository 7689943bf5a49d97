import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one model's single run on one instance gave: solved or not, and its cost. */
export interface Outcome {
  resolved: boolean;
  costUsd: number;
}

/** The per-instance outcomes kept for the replay, by dataset model id and instance id. */
export interface Dataset {
  dir: string;
  /** Instance ids, sorted. */
  instances: string[];
  /** Dataset model ids kept, sorted. */
  models: string[];
  outcomes: ReadonlyMap<string, ReadonlyMap<string, Outcome>>;
  /** Models left out, with why. */
  dropped: { model: string; why: string }[];
}

export type DatasetLoad = { ok: true; dataset: Dataset } | { ok: false; message: string };

/** The file the replay reads: long format, one row per model and instance. */
const perInstanceFile = 'per_instance.csv';

/** Models whose costs the dataset's README flags as wrong (caveat 2: Devstral). */
const flaggedModel = /^devstral/i;

const columns = ['instance_id', 'model_id', 'resolved', 'cost_usd', 'per_instance_consistent'];

/**
 * Reads `per_instance.csv` from the dataset folder, dropping the rows marked
 * `per_instance_consistent=0` (Claude 3.7 Sonnet) and the Devstral models (flagged costs).
 * Never throws for bad input: a missing folder or a malformed file comes back as one line that
 * says where it looked and how to point the bench elsewhere.
 *
 * @example
 * const load = loadDataset('../shared/data/routing/swebench-verified-bash-only');
 * if (load.ok) load.dataset.outcomes.get('deepseek-v3.2-reasoner')?.get('django__django-11532');
 */
export function loadDataset(dir: string): DatasetLoad {
  const path = join(dir, perInstanceFile);
  if (!existsSync(path)) {
    return {
      ok: false,
      message: `routing dataset not found: no ${perInstanceFile} in ${dir}; pass the swebench-verified-bash-only folder with --data DIR`,
    };
  }
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const header = (lines[0] ?? '').split(',');
  const index = columns.map((name) => header.indexOf(name));
  const missing = columns.filter((_, i) => index[i] === -1);
  if (missing.length > 0) {
    return { ok: false, message: `${path}: missing column(s) ${missing.join(', ')}` };
  }
  const [instanceAt, modelAt, resolvedAt, costAt, consistentAt] = index as [
    number,
    number,
    number,
    number,
    number,
  ];
  const outcomes = new Map<string, Map<string, Outcome>>();
  const dropped = new Map<string, string>();
  const instances = new Set<string>();
  for (const [lineIndex, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    const instance = cells[instanceAt] ?? '';
    const model = cells[modelAt] ?? '';
    const costUsd = Number(cells[costAt]);
    const resolved = cells[resolvedAt];
    if (
      !instance ||
      !model ||
      !Number.isFinite(costUsd) ||
      (resolved !== '0' && resolved !== '1')
    ) {
      return { ok: false, message: `${path}:${lineIndex + 2}: malformed row "${line}"` };
    }
    instances.add(instance);
    if (cells[consistentAt] === '0' || cells[consistentAt] === 'False') {
      dropped.set(model, 'per-instance data inconsistent with its leaderboard, caveat 1');
      continue;
    }
    if (flaggedModel.test(model)) {
      dropped.set(model, 'costs flagged as wrong upstream, caveat 2');
      continue;
    }
    const byInstance = outcomes.get(model) ?? new Map<string, Outcome>();
    outcomes.set(model, byInstance);
    byInstance.set(instance, { resolved: resolved === '1', costUsd });
  }
  for (const [model, byInstance] of outcomes) {
    if (byInstance.size !== instances.size) {
      return {
        ok: false,
        message: `${path}: ${model} has ${byInstance.size} of the ${instances.size} instances; a replay needs them all`,
      };
    }
  }
  return {
    ok: true,
    dataset: {
      dir,
      instances: [...instances].sort(),
      models: [...outcomes.keys()].sort(),
      outcomes,
      dropped: [...dropped]
        .map(([model, why]) => ({ model, why }))
        .sort((a, b) => a.model.localeCompare(b.model)),
    },
  };
}

/**
 * One model's outcome on one instance; throws when the dataset lacks it (a mapping error).
 *
 * @example
 * outcomeOf(dataset, 'deepseek-v3.2-reasoner', 'django__django-11532'); // { resolved: true, costUsd: 0.0257 }
 */
export function outcomeOf(dataset: Dataset, model: string, instance: string): Outcome {
  const outcome = dataset.outcomes.get(model)?.get(instance);
  if (!outcome) throw new Error(`no outcome for ${model} on ${instance} in ${dataset.dir}`);
  return outcome;
}
