// The task lifecycle benchmark: tasks through classify → execute → review with instant model
// ports and a durable SQLite store. Each measurement prints one comparable line.
import { join } from 'node:path';
import { createOrchestrator } from '../src/runtime/create-orchestrator.js';
import type { ModelPorts } from '../src/runtime/model-ports.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import {
  benchConfig as config,
  instantPorts as instant,
  openBenchRuntime,
} from './instant-runtime.js';

const waiting: ModelPorts = { ...instant, execute: () => new Promise(() => {}) };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const rssPeak = { value: process.memoryUsage().rss };
const sampler = setInterval(() => {
  rssPeak.value = Math.max(rssPeak.value, process.memoryUsage().rss);
}, 20);

async function throughput(total: number, inFlight: number): Promise<void> {
  const { orchestrator, store } = openBenchRuntime();
  const latencies: number[] = [];
  const before = await store.counts();
  let next = 0;
  const started = performance.now();
  async function lane(): Promise<void> {
    while (next < total) {
      next += 1;
      const t0 = performance.now();
      const task = await orchestrator.spawn(`bench task ${next}`);
      const outcome = await task.result;
      if (outcome.status !== 'done') throw new Error(`task ended ${outcome.status}`);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  const after = await store.counts();
  const events = (await store.events((await store.listTasks({ limit: 1 }))[0]?.id ?? '')).length;
  latencies.sort((a, b) => a - b);
  console.log(
    `lifecycle: ${total} tasks, ${inFlight} in flight, SQLite WAL: ${(total / seconds).toFixed(0)} tasks/s, ` +
      `${((total * events) / seconds).toFixed(0)} stored transitions/s, per task p50 ${percentile(latencies, 50).toFixed(1)} ms ` +
      `p99 ${percentile(latencies, 99).toFixed(1)} ms, peak RSS ${(rssPeak.value / 2 ** 20).toFixed(0)} MiB; ` +
      `per task ${((after.statements - before.statements) / total).toFixed(1)} statements, ` +
      `${((after.transactions - before.transactions) / total).toFixed(2)} transactions`,
  );
  await orchestrator.stop();
  await store.close();
}

async function waitingAndResume(count: number): Promise<void> {
  const { source, dir } = config();
  const file = join(dir, 'state.db');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const store = openSqliteStore(file);
  const orchestrator = createOrchestrator({
    ports: waiting,
    config: source,
    store,
    ctoConcurrency: 1000,
  });
  const handles = [];
  for (let i = 0; i < count; i += 500) {
    handles.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(500, count - i) }, (_, j) =>
          orchestrator.spawn(`waiting ${i + j}`),
        ),
      )),
    );
  }
  // Wait until every task is executing (waiting on its model).
  for (;;) {
    const executing = handles.filter((h) => h.actor.getSnapshot().value === 'executing').length;
    if (executing === count) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  gc?.();
  const perTask = (process.memoryUsage().heapUsed - before) / count;
  console.log(
    `memory: ${count} tasks waiting on a model: ${(perTask / 1024).toFixed(1)} KB heap per in-flight task${gc ? '' : ' (run with --expose-gc for a clean figure)'}`,
  );
  // Abandon it (as a crash would), then time a fresh runtime resuming every task.
  await orchestrator.stop();
  await store.close();
  const again = openSqliteStore(file);
  const resumedRuntime = createOrchestrator({
    ports: waiting,
    config: source,
    store: again,
    ctoConcurrency: 1000,
  });
  // CPU time beside the wall clock: on a shared machine the first swings with the load.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const resumed = await resumedRuntime.resume();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `resume: ${resumed.length} interrupted tasks restored and their requests re-sent in ${seconds.toFixed(2)} s ` +
      `(${((cpu.user + cpu.system) / 1e6).toFixed(2)} s of CPU)`,
  );
  await resumedRuntime.stop();
  await again.close();
}

await throughput(Number(process.env.BENCH_TASKS ?? 5_000), 50);
await waitingAndResume(Number(process.env.BENCH_WAITING ?? 10_000));
clearInterval(sampler);
