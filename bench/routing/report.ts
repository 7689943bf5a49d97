import type { LoadedConfig } from '../../src/config/load-config.js';
import type { BenchModel } from './bench-models.js';
import type { Interval } from './bootstrap.js';
import { type Dataset, outcomeOf } from './dataset.js';
import type { DatasetSpec } from './dataset-spec-schema.js';
import { oracle, perfectCascade } from './reference-cascades.js';
import type { ErrorRateResult } from './run-bench.js';
import { type BenchSetup, type PolicyKey, policyKeys } from './run-policies.js';
import type { SequenceHull } from './sequence-hull.js';
import { formatTable } from './table.js';
import type { TextSignal } from './text-signal.js';

// Cents where they are enough; three significant digits for the small sums of cheap models.
const usd = (value: number) => `$${value >= 1 ? value.toFixed(2) : value.toPrecision(3)}`;
const pct = (value: number) => value.toFixed(1);
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
const interval = ({ estimate, low, high }: Interval) =>
  `${signed(estimate)} (${signed(low)} to ${signed(high)})`;

/**
 * What the dataset is and which of its models plays which of ours, with each one's figures.
 *
 * @example
 * formatDatasetHeader(setup, benchModels(spec)); // 'RouterBench 0-shot, … 1883 items …\n<table>'
 */
export function formatDatasetHeader(setup: BenchSetup, models: readonly BenchModel[]): string {
  const { dataset, spec } = setup;
  const byType = new Map<string, number>();
  for (const item of dataset.items) byType.set(item.type, (byType.get(item.type) ?? 0) + 1);
  const train = dataset.items.filter((item) => item.split === 'train').length;
  const rows = models.map((m) => {
    const runs = dataset.items.map((item) => outcomeOf(dataset, m.id, item.id));
    const solved = runs.filter((o) => o.resolved).length;
    return [
      m.datasetModel,
      m.id,
      m.added ? 'added by configuration' : 'catalog',
      String(m.tier),
      `$${m.inputPrice}/$${m.outputPrice}`,
      pct((100 * solved) / runs.length),
      usd(runs.reduce((sum, o) => sum + o.costUsd, 0)),
    ];
  });
  return [
    `== ${dataset.name}: ${dataset.items.length} items (${[...byType].map(([t, n]) => `${n} ${t}`).join(', ')}), read from ${dataset.file}`,
    `Data: ${dataset.credit}; not copied into this repository.${dataset.skippedRows > 0 ? ` ${dataset.skippedRows} rows left out by the spec's "keep".` : ''}`,
    `Task text: ${spec.text ? `column "${spec.text}"` : 'none'}. Split: ${spec.split ? `${train} train items stream first, then ${dataset.items.length - train} test items` : 'none'}. Classified ${spec.complexity}, the CTO recommending ${spec.recommends}.`,
    formatTable(
      ['dataset model', 'ours', 'role', 'tier', 'in/out per Mtok', 'solved %', 'total $'],
      rows,
    ),
  ].join('\n');
}

/**
 * The ladders ours escalates along, as the production loader resolved them.
 *
 * @example
 * formatLadders(setup.loaded); // "Ours' ladders …\n  sonnet → opus\n…"
 */
export function formatLadders(loaded: LoadedConfig): string {
  return [
    "Ours' ladders (any model at least as strong, cheapest first; learned routing picks among them):",
    ...Object.entries(loaded.config.fallback_chain).map(
      ([from, to]) => `  ${from} → ${to.length > 0 ? to.join(', ') : '(none)'}`,
    ),
  ].join('\n');
}

/**
 * The spec's published figures recomputed from the data, and the oracle over its models.
 *
 * @example
 * formatPublished(spec, dataset); // '…\ngpt-4-1106-preview  89.3  $11.32  89.3%, $11.32  yes\n…'
 */
export function formatPublished(spec: DatasetSpec, dataset: Dataset): string {
  const ours = (name: string) =>
    Object.entries(dataset.datasetModelOf).find(([, d]) => d === name)?.[0] ?? name;
  const rows = spec.published.map(({ models, solved_pct, cost_usd }) => {
    const got = perfectCascade(dataset, models.map(ours));
    const agrees =
      Math.abs(got.solvedPct - solved_pct) < 0.05 && Math.abs(got.costUsd - cost_usd) < 0.005;
    return [
      models.join(' → '),
      pct(got.solvedPct),
      usd(got.costUsd),
      `${pct(solved_pct)}%, ${usd(cost_usd)}`,
      agrees ? 'yes' : 'NO',
    ];
  });
  const best = oracle(dataset, dataset.models);
  rows.push([
    'oracle (cheapest model that solves)',
    pct(best.solvedPct),
    usd(best.costUsd),
    'n/a',
    '',
  ]);
  return [
    'Published figures, perfect failure detector, recomputed from the data:',
    formatTable(['cascade', 'solved %', 'total $', 'published', 'agrees'], rows),
  ].join('\n');
}

/** The table's label of each policy. */
function labelOf(key: PolicyKey, setup: BenchSetup, result: ErrorRateResult): string {
  const labels: Record<PolicyKey, string> = {
    strongest: `always strongest (${setup.strongest})`,
    cheapest: `always cheapest (${setup.cheapest})`,
    'best single': `best single in hindsight (${setup.bestSingle})`,
    'best cascade': `best 2-step cascade in hindsight (${result.cascade.join(' → ')})`,
    'ours by type': 'ours, by type only',
    'ours with text': 'ours, with text',
    control: 'shuffled control (cost-matched)',
  };
  return labels[key];
}

/**
 * One reviewer error rate: the policy table, ours' first models and ours with text − by type.
 *
 * @example
 * formatErrorRate(setup, results[1], 5); // 'Reviewer error p = 0.1 (mean over 5 seeds; …)\n<table>\n…'
 */
export function formatErrorRate(
  setup: BenchSetup,
  result: ErrorRateResult,
  seeds: number,
  firstSeed = 1,
): string {
  const strongestCost = result.summaries.strongest?.costUsd ?? Number.NaN;
  const rows = policyKeys.flatMap((key) => {
    const s = result.summaries[key];
    if (!s) return [[labelOf(key, setup, result), 'n/a', '', '', '', '']];
    const range =
      s.solvedPctMax - s.solvedPctMin < 0.05
        ? ''
        : ` (${pct(s.solvedPctMin)}–${pct(s.solvedPctMax)})`;
    const margin = result.margins[key];
    return [
      [
        labelOf(key, setup, result),
        `${pct(s.solvedPct)}${range}`,
        usd(s.costUsd),
        `${pct((100 * s.costUsd) / strongestCost)}%`,
        s.costPerSolvedUsd === null ? 'n/a' : usd(s.costPerSolvedUsd),
        margin ? interval(margin) : '',
      ],
    ];
  });
  const firsts = Object.entries(result.firstModels).map(
    ([key, shares]) =>
      `${key}, first model: ${Object.entries(shares)
        .sort((a, b) => b[1] - a[1])
        .map(([model, share]) => `${model} ${pct(100 * share)}%`)
        .join(', ')}`,
  );
  return [
    `Reviewer error p = ${result.errorRate} (mean over ${seeds} seeds${firstSeed === 1 ? '' : `, ${firstSeed}–${firstSeed + seeds - 1}`}; solved % range over seeds in brackets; margin: solved points over the control, 95% bootstrap CI over items)`,
    formatTable(
      ['policy', 'solved %', 'total $', '% of strongest $', '$ per solved', 'margin vs control'],
      rows,
    ),
    ...firsts,
    result.textOverType
      ? `ours with text − ours by type only: ${interval(result.textOverType)} solved points`
      : 'ours with text − ours by type only: n/a (the data has no task text)',
  ].join('\n');
}

/**
 * The spec's targets at their error rate, next to the figures: ours (each variant that ran)
 * solves at least as many as always-strongest for at most the given share of its cost; and,
 * where asked, ours with text beats ours by type only with an interval excluding 0.
 *
 * @example
 * formatTargets(setup, results); // 'Target at p = 0.1: … ours, by type only: 73.6% vs 74.4% (short) …'
 */
export function formatTargets(setup: BenchSetup, results: readonly ErrorRateResult[]): string {
  const { error_rate, max_cost_share, text_beats_type } = setup.spec.target;
  const result = results.find((r) => r.errorRate === error_rate);
  if (!result) return `Targets at p = ${error_rate}: not run (no such error rate)`;
  const strongest = result.summaries.strongest;
  if (!strongest) return `Targets at p = ${error_rate}: always-strongest did not run`;
  const budget = max_cost_share * strongest.costUsd;
  const lines = [
    `Target at p = ${error_rate}: solve at least ${pct(strongest.solvedPct)}% (always ${setup.strongest}) for at most ${pct(100 * max_cost_share)}% of its ${usd(strongest.costUsd)} = ${usd(budget)}`,
  ];
  for (const key of ['ours by type', 'ours with text'] as const) {
    const s = result.summaries[key];
    if (!s) {
      lines.push(`  ${labelOf(key, setup, result)}: n/a (the data has no task text)`);
      continue;
    }
    const solvedOk = s.solvedPct >= strongest.solvedPct;
    const costOk = s.costUsd <= budget;
    lines.push(
      `  ${labelOf(key, setup, result)}: ${solvedOk && costOk ? 'MET' : 'NOT MET'}: ${pct(s.solvedPct)}% (${solvedOk ? 'ok' : 'short'}) for ${usd(s.costUsd)} = ${pct((100 * s.costUsd) / strongest.costUsd)}% (${costOk ? 'ok' : 'over'})`,
    );
  }
  if (text_beats_type) {
    const m = result.textOverType;
    lines.push(
      m
        ? `Target: ours with text − ours by type only, CI excluding 0: ${m.low > 0 ? 'MET' : 'NOT MET'}: ${interval(m)} solved points`
        : 'Target: ours with text − ours by type only, CI excluding 0: NOT MET (the data has no task text)',
    );
  }
  return lines.join('\n');
}

/**
 * What the text can tell at best (see {@link textSignal}), one line per task type.
 *
 * @example
 * formatTextSignal(textSignal(dataset)); // 'Text signal …: research 0.4% (1456 items), coding 1.2% (427 items)…'
 */
export function formatTextSignal(signals: readonly TextSignal[]): string {
  const parts = signals.map((s) => `${s.type} ${signed(s.brierGainPct)}% (${s.items} items)`);
  return `Text signal, an upper bound on what ours with text can learn: each item's chance per model estimated from its text's neighbours (every other item of its type reviewed without error by every model), as production estimates it, improves the Brier score over the type's solved rate by ${parts.join(', ')} (0: the text tells nothing; 100: everything).`;
}

/**
 * The type-only ceiling (see {@link sequenceHull}) at one error rate, in one line.
 *
 * @example
 * formatSequenceHull(hull, 0.1, 11.32); // 'Best type-only mix in hindsight at p = 0.1 …: 91.6% for $2.83 (25.0%) …'
 */
export function formatSequenceHull(
  hull: SequenceHull,
  errorRate: number,
  strongestCostUsd: number,
): string {
  const mixes = Object.entries(hull.sequences)
    .map(([type, mix]) => `${type} ${mix.map((s) => s.join(' → ')).join(' with ')}`)
    .join('; ');
  return `Best type-only mix in hindsight at p = ${errorRate} (per type, sequences of up to max_attempts models along ours' ladders, scored in expectation, within the target's budget): ${pct(hull.solvedPct)}% for ${usd(hull.costUsd)} (${pct((100 * hull.costUsd) / strongestCostUsd)}%): ${mixes}. An upper bound on ours by type, which learns all this online from the reviewer's verdicts.`;
}
