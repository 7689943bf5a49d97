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

/** The limits of a measurement, from the environment the runner sets. */
export function laneSettings(): { seconds: number; inFlight: number; warmup: number } {
  const seconds = Number(process.env.BENCH_PEER_SECONDS ?? 8);
  const inFlight = Number(process.env.BENCH_PEER_IN_FLIGHT ?? 50);
  const warmup = Number(process.env.BENCH_PEER_WARMUP ?? 200);
  if (!(seconds > 0)) throw new Error('BENCH_PEER_SECONDS must be a positive number');
  if (!Number.isInteger(inFlight) || inFlight < 1)
    throw new Error('BENCH_PEER_IN_FLIGHT must be a whole number ≥ 1');
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error('BENCH_PEER_WARMUP must be a whole number ≥ 0');
  return { seconds, inFlight, warmup };
}

/**
 * Runs tasks through `runTask`, `inFlight` at a time, starting new ones until `tasks` have
 * started or `seconds` have passed, and returns how many finished and the seconds that took.
 * `runTask` resolves once its task is done (and durable), and throws if it ended otherwise.
 *
 * @example
 * const { tasks, seconds } = await runLanes({ tasks: Infinity, seconds: 8 }, 50, (i) => runOne(i));
 */
export async function runLanes(
  limit: { tasks: number; seconds: number },
  inFlight: number,
  runTask: (index: number) => Promise<void>,
): Promise<{ tasks: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + limit.seconds * 1000;
  let next = 0;
  let finished = 0;
  async function lane(): Promise<void> {
    while (next < limit.tasks && performance.now() < deadline) {
      next += 1;
      await runTask(next);
      finished += 1;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { tasks: finished, seconds: (performance.now() - started) / 1000 };
}

/**
 * The measurement of one contestant: `warmup` tasks untimed (the JIT and the database's first
 * pages), then as many tasks as it finishes in the timed seconds (every contestant measured over
 * the same length of time, so each sees as much of this shared machine's changing load); prints
 * one JSON line for the runner.
 */
export async function measure(
  contestant: string,
  runTask: (index: number) => Promise<void>,
): Promise<LaneResult> {
  const settings = laneSettings();
  const { inFlight } = settings;
  await runLanes({ tasks: settings.warmup, seconds: Infinity }, inFlight, (i) => runTask(-i));
  const { tasks, seconds } = await runLanes(
    { tasks: Infinity, seconds: settings.seconds },
    inFlight,
    runTask,
  );
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
