// The scale-out benchmark: the same queue of tasks worked by 1, 2 and 3 runtime processes on
// one PostgreSQL database, and by one process on a SQLite file, with instant models. Each
// line is one comparable figure: tasks/s from the first task done to the last.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOrchestrator } from '../src/runtime/create-orchestrator.js';
import type { StoreCounts } from '../src/store/store-counters.js';
import { freshPostgresDatabase } from '../src/testing/fresh-postgres-database.js';
import { benchConfig, instantPorts } from './instant-runtime.js';

const tasks = Number(process.env.BENCH_SCALE_TASKS ?? 2_000);
const baseUrl = process.env.CTO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tsx = pathToFileURL(join(import.meta.dirname, '..', 'node_modules/tsx/dist/loader.mjs')).href;
const worker = join(import.meta.dirname, 'scale-out-worker.ts');

async function run(label: string, location: string, processes: number): Promise<void> {
  const queue = createOrchestrator({
    ports: instantPorts,
    config: benchConfig().source,
    store: location,
  });
  for (let i = 0; i < tasks; i++) await queue.submit(`bench task ${i}`);
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', tsx, worker, location], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const reports = children.map(async (child) => {
    let out = '';
    for await (const chunk of child.stdout) out += chunk;
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as StoreCounts;
  });
  // Timed from the first task done, so that starting the processes does not count.
  let started: number | null = null;
  let first = 0;
  for (;;) {
    const done = (await queue.store.countByStatus()).done ?? 0;
    if (started === null && done > 0) {
      started = performance.now();
      first = done;
    }
    if (done >= tasks) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - (started ?? 0)) / 1000;
  for (const child of children) child.kill('SIGTERM');
  const counts = await Promise.all(reports);
  await queue.stop();
  const perTask = (key: keyof StoreCounts) =>
    (counts.reduce((sum, c) => sum + c[key], 0) / tasks).toFixed(1);
  const rate =
    first < tasks
      ? `${((tasks - first) / seconds).toFixed(0)} tasks/s (${seconds.toFixed(1)} s from the first task done)`
      : 'too fast to time: raise BENCH_SCALE_TASKS';
  console.log(
    `scale-out: ${label}, ${processes} process(es), ${tasks} tasks: ${rate}; per task ` +
      `${perTask('statements')} statements, ${perTask('roundTrips')} round trips, ` +
      `${perTask('transactions')} transactions`,
  );
}

for (const processes of [1, 2, 3]) {
  const database = await freshPostgresDatabase(baseUrl);
  try {
    await run('PostgreSQL', database.url, processes);
  } finally {
    await database.drop();
  }
}
await run('SQLite WAL', join(benchConfig().dir, 'state.db'), 1);
