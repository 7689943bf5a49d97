import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drivePath, type PathRun } from '../helpers/drive-path.js';
import { generatedPaths, type TaskPath } from '../helpers/task-paths.js';

const { shortest, simple } = generatedPaths();
// Every generated path that ends the task, once per distinct sequence of replies.
const finishing = new Map<string, TaskPath>();
for (const path of [...shortest, ...simple]) {
  if (path.state.status !== 'done') continue;
  const key = path.steps.map((step) => JSON.stringify(step.event)).join('>');
  finishing.set(key, path);
}

/** What must not depend on a crash: the stored events, the final snapshot, the finished steps. */
async function record(run: PathRun) {
  const { store, taskId } = run;
  const anonymous = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(taskId, 'T'));
  const task = await store.getTask(taskId);
  const events = (await store.events(taskId)).map((e) => anonymous(e.event));
  // A step in flight at the crash runs again and may journal again: count each entry once.
  const journal = [
    ...new Set(
      (await store.journal(taskId)).map((entry) =>
        JSON.stringify(anonymous([entry.requestId, entry.kind, entry.data])),
      ),
    ),
  ];
  return { status: task?.status, snapshot: anonymous(task?.snapshot), events, journal };
}

/**
 * The crash test, split in shards so that vitest runs them on separate workers: shard `index`
 * of `count` takes every count-th path.
 */
export function describeCrashAndResume(index: number, count: number): void {
  describe(`crash at every step, then resume (shard ${index + 1} of ${count})`, () => {
    it('has paths to crash', () => {
      expect(finishing.size).toBeGreaterThan(50);
    });

    const mine = [...finishing.values()]
      .map((path, i) => [i, path] as const)
      .filter(([i]) => i % count === index);
    it.each(mine)('path %i', async (_i, path) => {
      const file = join(mkdtempSync(join(tmpdir(), 'cto-crash-')), 'state.db');
      const uninterrupted = await drivePath(path, { file });
      const baseline = await record(uninterrupted);
      await uninterrupted.store.close();
      // A crash after each commit the uninterrupted run made: before, inside and after every step.
      for (let crashAfter = 1; crashAfter < uninterrupted.commits; crashAfter++) {
        const run = await drivePath(path, { crashAfter, file });
        expect(run.resumed, `crash after commit ${crashAfter}`).toBe(true);
        expect(await record(run), `crash after commit ${crashAfter}`).toEqual(baseline);
        const repeated = [...run.calls].filter(([, count]) => count > 1);
        expect(
          repeated.length,
          `requests run twice after crash ${crashAfter}: ${repeated}`,
        ).toBeLessThanOrEqual(1);
        expect(repeated.every(([, count]) => count === 2)).toBe(true);
        await run.store.close();
      }
    });
  });
}
