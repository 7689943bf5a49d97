// Contestant: this runtime, as `npm run bench` runs it (bench/lifecycle.ts): instant model ports,
// the durable SQLite store, budgets reserved and settled, history and leases on.
import { openBenchRuntime } from '../instant-runtime.js';
import { measure } from './lanes.js';

const { orchestrator, store } = openBenchRuntime();

async function runTask(index: number): Promise<void> {
  const task = await orchestrator.spawn(`bench task ${index}`);
  const outcome = await task.result;
  if (outcome.status !== 'done') throw new Error(`task ${index} ended ${outcome.status}`);
}

await measure('ours', runTask);
await orchestrator.stop();
await store.close();
