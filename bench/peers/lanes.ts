// What every contestant of the peer benchmark shares: the same instant model replies, the same
// lanes of tasks in flight, the same timing, and one JSON line on stdout that the runner reads.
// No dependency here, so the project's typecheck and the peers' both take it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const usage = { inputTokens: 100, outputTokens: 50 };

/** The three model replies of the four-phase task, answered at once (as bench/instant-runtime.ts does). */
export const instantModel = {
  classify: async (_description: string) => ({
    classification: { complexity: 'simple', type: 'coding', model: 'sonnet', reason: 'bench' },
    usage,
  }),
  execute: async (_description: string) => ({ output: 'done', usage }),
  review: async (_output: string) => ({
    verdict: 'approve' as 'approve' | 'reject',
    quality: 8,
    feedback: 'ok',
    usage,
  }),
};

/** What one contestant's process measured. */
export interface LaneResult {
  contestant: string;
  tasks: number;
  inFlight: number;
  seconds: number;
  tasksPerSecond: number;
}

/** A fresh directory for one contestant's database. */
export function scratchDirectory(contestant: string): string {
  return mkdtempSync(join(tmpdir(), `cto-peer-${contestant}-`));
}

/** Tasks and lanes from the environment the runner sets, with the lifecycle benchmark's defaults. */
export function laneSettings(): { tasks: number; inFlight: number; warmup: number } {
  const tasks = Number(process.env.BENCH_PEER_TASKS ?? 2_000);
  const inFlight = Number(process.env.BENCH_PEER_IN_FLIGHT ?? 50);
  const warmup = Number(process.env.BENCH_PEER_WARMUP ?? 200);
  for (const [name, value] of Object.entries({ tasks, inFlight, warmup })) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  }
  return { tasks, inFlight: Math.max(1, inFlight), warmup };
}

/**
 * Runs `total` tasks through `runTask`, `inFlight` at a time, and returns the seconds it took.
 * `runTask` resolves once its task is done (and durable), and throws if it ended otherwise.
 *
 * @example
 * const seconds = await runLanes(2_000, 50, (i) => runOneTask(`bench task ${i}`));
 */
export async function runLanes(
  total: number,
  inFlight: number,
  runTask: (index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  async function lane(): Promise<void> {
    while (next < total) {
      next += 1;
      await runTask(next);
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return (performance.now() - started) / 1000;
}

/**
 * The measurement of one contestant: `warmup` tasks untimed (the JIT and the database's first
 * pages), then the timed tasks; prints one JSON line for the runner.
 */
export async function measure(
  contestant: string,
  runTask: (index: number) => Promise<void>,
): Promise<LaneResult> {
  const { tasks, inFlight, warmup } = laneSettings();
  await runLanes(warmup, inFlight, (i) => runTask(-i));
  const seconds = await runLanes(tasks, inFlight, runTask);
  const result = {
    contestant,
    tasks,
    inFlight,
    seconds,
    tasksPerSecond: tasks / seconds,
  };
  console.log(JSON.stringify(result));
  return result;
}
