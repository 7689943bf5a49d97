// What the lifecycle and scale-out benchmarks run on: model ports that answer at once, and a
// configuration where nothing but the runtime limits throughput.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigSource } from '../src/config/config-source.js';
import { loadConfig } from '../src/config/load-config.js';
import { staticConfigSource } from '../src/config/static-config-source.js';
import { createOrchestrator, type Orchestrator } from '../src/runtime/create-orchestrator.js';
import type { ModelPorts } from '../src/runtime/model-ports.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';

const sources = { createOrchestrator, loadConfig, openSqliteStore, staticConfigSource };
/**
 * What a bench runtime is built from: these sources (run through tsx), or the same exports of
 * the built package (`dist/`, as users install it; see bench/peers/ours.ts).
 */
export type RuntimeLibrary = typeof sources;

const usage = { inputTokens: 100, outputTokens: 50 };

/** Classify, execute and review, answered at once. */
export const instantPorts: ModelPorts = {
  classify: async () => ({
    classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'bench' },
    usage,
  }),
  execute: async () => ({ output: 'done', usage }),
  review: async () => ({ verdict: 'approve', quality: 8, feedback: 'ok', usage }),
};

/**
 * A configuration with every model able to take 1,000 calls at once and budgets that never
 * bind (they are still reserved and settled), in a fresh directory.
 */
export function benchConfig(library: RuntimeLibrary = sources): {
  source: ConfigSource;
  dir: string;
} {
  const root = mkdtempSync(join(tmpdir(), 'cto-bench-'));
  mkdirSync(join(root, 'home'));
  const concurrency = { max_concurrency: 1000 };
  writeFileSync(
    join(root, 'orchestrator_config.json'),
    JSON.stringify({
      worker_models: {
        claude: { haiku: concurrency, sonnet: concurrency, opus: concurrency },
        external: { deepseek: concurrency, minimax: concurrency },
      },
      cost_optimization: {
        token_budget_per_day: { claude: 1_000_000_000_000, external: 1_000_000_000_000 },
      },
    }),
  );
  const result = library.loadConfig({ env: {}, cwd: root, homeDir: join(root, 'home') });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { source: library.staticConfigSource(result.loaded), dir: root };
}

/**
 * The runtime as the lifecycle benchmarks measure it: instant ports, the durable SQLite store
 * in a fresh directory, budgets reserved and settled, history and leases on.
 */
export function openBenchRuntime(library: RuntimeLibrary = sources): {
  orchestrator: Orchestrator;
  store: Store;
} {
  const { source, dir } = benchConfig(library);
  const store = library.openSqliteStore(join(dir, 'state.db'));
  const orchestrator = library.createOrchestrator({
    ports: instantPorts,
    config: source,
    store,
    ctoConcurrency: 1000,
  });
  return { orchestrator, store };
}
