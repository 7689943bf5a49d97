// The routing benchmark (`npm run bench:routing`): replays routing policies over the outcome
// datasets that spec files describe (by default the two in specs/), read in place from
// ../shared, never copied here.
//   node --import tsx bench/routing/run-routing-bench.ts [SPEC.json ...] [--seeds N] [--first-seed S]
//     [--error-rates 0.1,0.2]
import { fileURLToPath } from 'node:url';
import { benchOptions } from './bench-options.js';
import { benchSetup, type SetupLoad } from './bench-setup.js';
import {
  formatDatasetHeader,
  formatErrorRate,
  formatLadders,
  formatPublished,
  formatSequenceHull,
  formatTargets,
  formatTextSignal,
} from './report.js';
import { runBench } from './run-bench.js';
import { sequenceHull } from './sequence-hull.js';
import { textSignal } from './text-signal.js';

const shippedSpecs = ['swebench-verified-bash-only.jsonc', 'routerbench-arc-mbpp.jsonc'].map(
  (name) => fileURLToPath(new URL(`specs/${name}`, import.meta.url)),
);
const parsed = benchOptions(process.argv.slice(2));
if (!parsed.ok) {
  console.error(parsed.message);
  process.exit(1);
}
const { seeds, firstSeed, errorRates } = parsed.options;
const specs = parsed.options.specs.length > 0 ? parsed.options.specs : shippedSpecs;
// Every spec and dataset is checked before any replay: a bad one stops the bench at once.
const loads: SetupLoad[] = specs.map(benchSetup);
const failures = loads.flatMap((load) => (load.ok ? [] : [load.message]));
if (failures.length > 0) {
  for (const message of failures) console.error(message);
  process.exit(1);
}
for (const load of loads) {
  if (!load.ok) continue;
  const { setup, models, budgetUsd } = load;
  const started = performance.now();
  const results = runBench({ setup, seeds, firstSeed, errorRates, budgetUsd });
  console.log(formatDatasetHeader(setup, models));
  console.log('');
  console.log(formatLadders(setup.loaded));
  console.log('');
  console.log(formatPublished(setup.spec, setup.dataset));
  console.log('');
  if (setup.spec.text) {
    console.log(formatTextSignal(textSignal(setup.dataset)));
    console.log('');
  }
  console.log(
    `Hindsight baselines keep to the target's budget, ${(100 * setup.spec.target.max_cost_share).toFixed(0)}% of always-strongest's cost ($${budgetUsd.toFixed(2)}): the most solved within it (the cheapest when nothing fits).`,
  );
  for (const result of results) {
    console.log('');
    console.log(formatErrorRate(setup, result, seeds, firstSeed));
    const attempts = Math.max(setup.loaded.config.max_attempts, 1);
    const ladders = setup.loaded.config.fallback_chain;
    const hull = sequenceHull(setup.dataset, ladders, attempts, result.errorRate, budgetUsd);
    const strongestCost = budgetUsd / setup.spec.target.max_cost_share;
    console.log(formatSequenceHull(hull, result.errorRate, strongestCost));
  }
  console.log('');
  console.log(
    "Cost is the workers' cost from the data only; the CTO's classification and review calls are not in the data. Single-model policies ship their one attempt unreviewed; the others are blocked (not solved) after max_attempts rejections.",
  );
  console.log(formatTargets(setup, results));
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log('');
}
