// The routing benchmark (`npm run bench:routing`): replays routing policies over real
// per-task outcomes of SWE-bench Verified (bash-only), read from ../shared, never copied here.
//   node --import tsx bench/routing/run-routing-bench.ts [--data DIR] [--seeds N]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchConfigFile, loadBenchConfig } from './bench-config.js';
import { loadDataset } from './dataset.js';
import {
  formatConfiguration,
  formatErrorRate,
  formatMapping,
  formatReferences,
  formatTarget,
} from './report.js';
import { runBench } from './run-bench.js';

const defaultData = fileURLToPath(
  new URL('../../../shared/data/routing/swebench-verified-bash-only', import.meta.url),
);
const errorRates = [0, 0.1, 0.2];
const targetErrorRate = 0.1;

function options(): { data: string; seeds: number } {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, seeds: { type: 'string', default: '5' } },
  });
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) {
    console.error(`--seeds expects a positive whole number, got "${values.seeds}"`);
    process.exit(1);
  }
  return { data: values.data ? resolve(values.data) : defaultData, seeds };
}

const { data, seeds } = options();
const load = loadDataset(data);
if (!load.ok) {
  console.error(load.message);
  process.exit(1);
}
const { dataset } = load;
const started = performance.now();
const configs = { learned: loadBenchConfig('learned'), rotation: loadBenchConfig('rotation') };
const results = runBench({ dataset, configs, seeds, errorRates });

console.log(
  `Routing benchmark: SWE-bench Verified, bash-only (mini-SWE-agent), ${dataset.instances.length} tasks, read from ${dataset.dir}`,
);
console.log(
  'Data: SWE-bench / mini-SWE-agent team, swebench.com, CC BY-NC 4.0 (non-commercial; not copied into this repository).',
);
console.log(`Dropped: ${dataset.dropped.map((d) => `${d.model} (${d.why})`).join('; ')}`);
console.log('');
console.log(formatMapping(dataset));
console.log('');
console.log(formatConfiguration(benchConfigFile('learned'), configs.learned));
console.log('');
console.log(formatReferences(dataset));
for (const result of results) {
  console.log('');
  console.log(formatErrorRate(result, seeds));
}
console.log('');
console.log(
  "Cost is the workers' cost from the data only; the CTO's classification and review calls are not in the data. Single-model policies ship their one attempt unreviewed; the others are blocked (not solved) after max_attempts rejections.",
);
const target = results.find((r) => r.errorRate === targetErrorRate);
if (target) console.log(formatTarget(target));
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
