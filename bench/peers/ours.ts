// Contestant: this runtime, as `npm run bench` runs it (bench/lifecycle.ts): instant model ports,
// the durable SQLite store, budgets reserved and settled, history and leases on. It runs the
// package as users install it, built by `npm run build` (the runner builds it first), as each
// peer runs its published build: run from the sources through tsx, every function would carry
// esbuild's name-keeping wrapper, which the build has not (≈ 8% more CPU a task).
import { openBenchRuntime, type RuntimeLibrary } from '../instant-runtime.js';
import { measure } from './lanes.js';

// The package's entry (its package.json `exports`), by URL: its name would resolve against the
// peers' own package.json here.
const entry = new URL('../../dist/src/index.js', import.meta.url).href;
const library = (await import(entry)) as RuntimeLibrary;
const { orchestrator, store } = openBenchRuntime(library);

async function runTask(index: number): Promise<void> {
  const task = await orchestrator.spawn(`bench task ${index}`);
  const outcome = await task.result;
  if (outcome.status !== 'done') throw new Error(`task ${index} ended ${outcome.status}`);
}

await measure('ours', runTask);
await orchestrator.stop();
await store.close();
