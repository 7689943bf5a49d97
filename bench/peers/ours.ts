// Contestant: this runtime, as `npm run bench` runs it (bench/lifecycle.ts): instant model ports,
// the durable SQLite store, budgets reserved and settled, history and leases on.
import { join } from 'node:path';
import { createOrchestrator, openSqliteStore } from '../../src/index.js';
import { benchConfig, instantPorts } from '../instant-runtime.js';
import { measure } from './lanes.js';

const { source, dir } = benchConfig();
const store = openSqliteStore(join(dir, 'state.db'));
const orchestrator = createOrchestrator({
  ports: instantPorts,
  config: source,
  store,
  ctoConcurrency: 1000,
  // Leases are claimed and released with every task as usual, but renewed only after an hour:
  // a heartbeat that fires between a spawn's staged claim and its commit finds no row to renew
  // and drops the new task as "taken over" (a runtime race, reported on issue 14), which under
  // load ends runs longer than a heartbeat (10 s by default) with a LeaseLostError.
  leaseMs: 3_600_000,
});

async function runTask(index: number): Promise<void> {
  const task = await orchestrator.spawn(`bench task ${index}`);
  const outcome = await task.result;
  if (outcome.status !== 'done') throw new Error(`task ${index} ended ${outcome.status}`);
}

await measure('ours', runTask);
await orchestrator.stop();
await store.close();
