import type { ConfigFile } from '../../src/config/config-file-schema.js';
import type { LoadedConfig } from '../../src/config/load-config.js';
import { type Dataset, outcomeOf } from './dataset.js';
import { benchModels, datasetModel, strongestModel } from './model-mapping.js';
import { benchClassification } from './production-policy.js';
import { oracle, perfectCascade, readmeCascades } from './reference-cascades.js';
import type { ErrorRateResult } from './run-bench.js';
import { policyNames } from './run-policies.js';
import { formatTable } from './table.js';

const usd = (value: number) => `$${value.toFixed(2)}`;
const pct = (value: number) => value.toFixed(1);

/**
 * Which dataset run stands for each of our models, with its own figures in the data.
 *
 * @example
 * formatMapping(dataset); // 'our model  dataset model  solved %  total $\n…'
 */
export function formatMapping(dataset: Dataset): string {
  const rows = benchModels.map((model) => {
    const runs = dataset.instances.map((i) => outcomeOf(dataset, datasetModel(model), i));
    const solved = runs.filter((o) => o.resolved).length;
    const cost = runs.reduce((sum, o) => sum + o.costUsd, 0);
    return [model, datasetModel(model), pct((100 * solved) / runs.length), usd(cost)];
  });
  rows.push(['haiku', '(no data: disabled)', '', '']);
  return formatTable(['our model', 'dataset model', 'solved %', 'total $'], rows);
}

/**
 * The configuration the production policies ran under: ours' file as loaded, what the
 * rotation one changes, and the models as the loader resolved them.
 */
export function formatConfiguration(file: ConfigFile, loaded: LoadedConfig): string {
  const models = loaded.models
    .filter((m) => m.enabled)
    .map(
      (m) =>
        `  ${m.id}: ${m.group}, ${m.kind}, tier ${m.tier}, $${m.input_price_per_mtok}/$${m.output_price_per_mtok} per Mtok`,
    );
  const { type, complexity, model } = benchClassification;
  return [
    'Configuration of ours (loaded with loadConfig, fake API keys):',
    JSON.stringify(file, null, 2),
    "Ours' ladders: after a failure any bench model at least as strong may follow (cheapest first); learned routing picks among them by expected cost to an approved result after a failure, as it learns.",
    'The fixed cost-aware cascade uses the same file with cost_optimization.routing "rotation" and no fallback_chain (the default ladders: external → sonnet → opus).',
    `Every task is classified ${complexity} ${type}, the CTO recommending ${model} (the data has no task text); cost_aware moves it to an external model.`,
    "Models as resolved (prices from the catalog or the configuration: only learned routing's prior for an untried model uses them; the replay's costs come from the data):",
    ...models,
  ].join('\n');
}

/**
 * The README's perfect-detector cascades recomputed from the data, next to its figures, and
 * the oracle over the bench's models.
 */
export function formatReferences(dataset: Dataset): string {
  const rows = readmeCascades.map(({ models, readme }) => {
    const got = perfectCascade(dataset, models);
    const agrees =
      Math.abs(got.solvedPct - readme.solvedPct) < 0.05 &&
      Math.abs(got.costUsd - readme.costUsd) < 0.005;
    return [
      models.join(' → '),
      pct(got.solvedPct),
      usd(got.costUsd),
      `${pct(readme.solvedPct)}%, ${usd(readme.costUsd)}`,
      agrees ? 'yes' : 'NO',
    ];
  });
  const best = oracle(dataset, benchModels.map(datasetModel));
  rows.push([
    "oracle over the bench's 8 models (cheapest that solves)",
    pct(best.solvedPct),
    usd(best.costUsd),
    'n/a',
    '',
  ]);
  return [
    'Reference cascades, perfect failure detector (dataset models), against the README:',
    formatTable(['cascade', 'solved %', 'total $', 'README', 'agrees'], rows),
  ].join('\n');
}

/** One reviewer error rate: the policy table, ours' choices and ours' margin over the control. */
export function formatErrorRate(result: ErrorRateResult, seeds: number): string {
  const rows = policyNames.map((name) => {
    const s = result.summaries[name];
    const range =
      s.solvedPctMax - s.solvedPctMin < 0.05
        ? ''
        : ` (${pct(s.solvedPctMin)}–${pct(s.solvedPctMax)})`;
    return [
      name,
      `${pct(s.solvedPct)}${range}`,
      usd(s.costUsd),
      s.costPerSolvedUsd === null ? 'n/a' : usd(s.costPerSolvedUsd),
    ];
  });
  const firsts = Object.entries(result.oursFirstModels)
    .sort((a, b) => b[1] - a[1])
    .map(([model, share]) => `${model} ${pct(100 * share)}%`)
    .join(', ');
  const { estimate, low, high } = result.margin;
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
  const spend =
    result.summaries['shuffled control'].costUsd / result.summaries['ours (learned)'].costUsd;
  return [
    `Reviewer error p = ${result.errorRate} (mean over ${seeds} seeds; solved % range over seeds in brackets)`,
    formatTable(['policy', 'solved %', 'total $', '$ per solved'], rows),
    `ours' first model: ${firsts}; ${result.oursAttempts.toFixed(2)} attempts per task`,
    `ours − shuffled control: ${signed(estimate)} solved points (95% CI ${signed(low)} to ${signed(high)}; bootstrap over tasks, 1,000 resamples); the control spent ${pct(100 * spend)}% of ours`,
  ].join('\n');
}

/**
 * The target at the given error rate: ours solves at least as many tasks as the strongest model
 * alone for at most 30% of its cost.
 */
export function formatTarget(result: ErrorRateResult): string {
  const ours = result.summaries['ours (learned)'];
  const strongest = result.summaries['always strongest (opus)'];
  const share = ours.costUsd / strongest.costUsd;
  const solvedOk = ours.solvedPct >= strongest.solvedPct;
  const costOk = share <= 0.3;
  return `Target at p = ${result.errorRate} (solve at least as many as ${strongestModel} alone for at most 30% of its cost): ${solvedOk && costOk ? 'MET' : 'NOT MET'}: ours solves ${pct(ours.solvedPct)}% against ${pct(strongest.solvedPct)}% (${solvedOk ? 'ok' : 'short'}), for ${usd(ours.costUsd)} = ${pct(100 * share)}% of ${usd(strongest.costUsd)} (${costOk ? 'ok' : 'over 30%'})`;
}
