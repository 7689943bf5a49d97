// How long one routing decision takes with 100,000 reviewed tasks of history: the learned
// route of a new task (routeTask), by type only and reading the task's text (similarTasksView:
// features, nearest reviewed neighbours, shrunk estimates). Synthetic texts, seeded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Classification } from '../machines/task-types.js';
import { loadConfig } from '../src/config/load-config.js';
import { apiKeyVariable } from '../src/config/resolved-model.js';
import { createReviewedIndex } from '../src/routing/reviewed-index.js';
import { routeTask } from '../src/routing/route-task.js';
import type { RoutingView } from '../src/routing/routing-view.js';
import { routingViewFrom } from '../src/routing/routing-view-from-config.js';
import { similarTasksView } from '../src/routing/similar-tasks-view.js';
import { textFeatures } from '../src/routing/text-features.js';
import { emptyPerformance } from '../src/store/performance-row.js';
import { mulberry32, type Rng } from './routing/prng.js';

const historyTasks = Number(process.env.ROUTING_BENCH_TASKS ?? 100_000);
const decisions = 2_000;
const external = ['deepseek', 'minimax', 'kimi', 'glm'];
const models = ['deepseek', 'minimax', 'sonnet', 'opus'];
const types = ['coding', 'debugging', 'research', 'analysis'] as const;

function loadedConfig() {
  const root = mkdtempSync(join(tmpdir(), 'cto-routing-decision-'));
  mkdirSync(join(root, 'home'));
  writeFileSync(
    join(root, 'orchestrator_config.json'),
    JSON.stringify({
      model_selection_strategy: 'cost_aware',
      cost_optimization: { routing: 'learned', exploration_share: 0.05 },
    }),
  );
  const env = Object.fromEntries(external.map((id) => [apiKeyVariable(id), 'bench-fake-key']));
  const result = loadConfig({ env, cwd: root, homeDir: join(root, 'home') });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.loaded;
}

/**
 * Texts like task descriptions: words drawn from a Zipf-distributed vocabulary of 30,000,
 * a third of them from one of 300 topics, so that some tasks read alike.
 */
function textMaker(rng: Rng) {
  // Letters only: digits would end a word.
  const word = (n: number) =>
    Array.from({ length: 4 }, (_, d) =>
      String.fromCharCode(97 + (Math.floor(n / 26 ** d) % 26)),
    ).join('');
  const vocabulary = Array.from({ length: 30_000 }, (_, i) => `w${word(i)}`);
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= vocabulary.length; rank++) {
    total += 1 / rank ** 1.07;
    cumulative.push(total);
  }
  const zipf = () => {
    const target = rng() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return vocabulary[low] as string;
  };
  const topics = Array.from({ length: 300 }, () =>
    Array.from({ length: 40 }, () => vocabulary[Math.floor(rng() * vocabulary.length)] as string),
  );
  return (words: number) => {
    const topic = topics[Math.floor(rng() * topics.length)] as string[];
    return Array.from({ length: words }, () =>
      rng() < 1 / 3 ? (topic[Math.floor(rng() * topic.length)] as string) : zipf(),
    ).join(' ');
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Times each decision by the wall clock and by this process's CPU time: on a shared machine the
 * wall clock also counts the time other processes hold the cores, which CPU time does not.
 */
function timed(label: string, decide: (i: number) => void): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < decisions; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    decide(i);
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
  }
  const line = (ms: number[]) => {
    ms.sort((a, b) => a - b);
    return `median ${percentile(ms, 50).toFixed(3)} ms, p95 ${percentile(ms, 95).toFixed(3)} ms, p99 ${percentile(ms, 99).toFixed(3)} ms`;
  };
  console.log(
    `${label} (${decisions} decisions):\n  wall clock: ${line(wall)}\n  CPU time:   ${line(cpu)}`,
  );
}

function main(): void {
  const rng = mulberry32(17);
  const text = textMaker(rng);
  const loaded = loadedConfig();
  // What a process reads back from the store: features, not texts.
  const stored = Array.from({ length: historyTasks }, () =>
    textFeatures(text(40 + Math.floor(rng() * 260))),
  );
  const heapBefore = process.memoryUsage().heapUsed;
  const built = performance.now();
  const index = createReviewedIndex();
  stored.forEach((features, i) => {
    const taskType = types[i % types.length] as string;
    const attempts = 1 + (i % 3 === 0 ? 1 : 0);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const model = models[(i + attempt) % models.length] as string;
      const approved = (i * 7 + attempt) % 10 < 7;
      index.add({ taskId: `t${i}`, attempt, model, taskType, approved, at: i, features });
    }
  });
  const buildMs = performance.now() - built;
  const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  console.log(
    `history: ${index.size.toLocaleString('en-US')} reviewed tasks indexed from their stored features in ` +
      `${(buildMs / 1000).toFixed(2)} s, about ${heapMiB.toFixed(0)} MiB of heap`,
  );
  const history = types.flatMap((type) =>
    models.map((model) => ({
      ...emptyPerformance(model, type),
      attempts: historyTasks / 8,
      approvals: Math.round(historyTasks / 12),
      costUsd: historyTasks / 100,
    })),
  );
  const view: RoutingView = {
    ...routingViewFrom(loaded, { history }),
    reviewedTasks: index,
  };
  const classification: Classification = {
    type: 'coding',
    complexity: 'moderate',
    model: 'sonnet',
    reason: 'bench',
    source: 'cto',
  };
  const typical = Array.from({ length: decisions }, () => text(40 + Math.floor(rng() * 260)));
  const long = Array.from({ length: decisions }, () => text(3_000));
  const route = (i: number, routingView: RoutingView) =>
    routeTask({ taskId: `new${i}`, input: {}, classification, view: routingView });
  // Warm-up, so that the figures are of compiled code.
  for (let i = 0; i < 200; i++) route(i, similarTasksView(view, `new${i}`, typical[i] as string));
  timed('routing decision, by type only', (i) => route(i, view));
  timed('routing decision with text (40–300 words)', (i) =>
    route(i, similarTasksView(view, `new${i}`, typical[i] as string)),
  );
  timed('routing decision with text (3,000 words)', (i) =>
    route(i, similarTasksView(view, `new${i}`, long[i] as string)),
  );
  const withSimilar = typical.filter((t, i) => similarTasksView(view, `new${i}`, t).similar).length;
  console.log(
    `decisions that found similar tasks: ${withSimilar} of ${decisions}; target: under 5 ms at 100,000 tasks`,
  );
}

main();
