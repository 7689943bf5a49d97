import type { PerformanceRow } from './performance-row.js';
import { type CommitBatch, StoreError } from './store.js';

/**
 * The task a performance delta comes from, when its writer says so (`taskId` beside the row):
 * a fenced task's deltas are skipped with the rest of its rows.
 *
 * @example
 * if (fenced.has(deltaTask(delta) ?? '')) continue;
 */
export function deltaTask(delta: PerformanceRow & { taskId?: string }): string | undefined {
  return delta.taskId;
}

/**
 * The tasks of a batch whose fence is stale: the lease token stored for the task (read by
 * `storedToken`, inside the batch's transaction; undefined when there is no such task)
 * differs from the writer's. A task the batch itself creates counts with the token its
 * creation gives it (1 with a claim, else 0); a fence on a task that exists nowhere is stale,
 * since nobody can hold its lease.
 *
 * @example
 * staleFences(batch, (taskId) => selectLeaseToken.get(taskId)); // Set { 'a' }
 */
export function staleFences(
  batch: CommitBatch,
  storedToken: (taskId: string) => number | undefined,
): Set<string> {
  const stale = new Set<string>();
  for (const fence of batch.fences ?? []) {
    let token = storedToken(fence.taskId);
    if (token === undefined) {
      const creation = batch.tasks?.find((t) => t.taskId === fence.taskId && t.input);
      if (creation) token = creation.claim ? 1 : 0;
    }
    if (token !== fence.token) stale.add(fence.taskId);
  }
  return stale;
}

/**
 * The fencing tokens a statement on `task_leases` returned (`task_id`, `token`), by task; a
 * token that is not a whole number is named, never passed on.
 *
 * @example
 * leaseTokens([{ task_id: 'a', token: 3 }]); // Map { 'a' => 3 }
 */
export function leaseTokens(rows: readonly unknown[]): Map<string, number> {
  const tokens = new Map<string, number>();
  for (const { task_id: taskId, token } of rows as { task_id: string; token: unknown }[]) {
    if (!Number.isSafeInteger(token))
      throw new StoreError(`task ${taskId}: stored lease token is invalid: ${String(token)}`);
    tokens.set(taskId, token as number);
  }
  return tokens;
}
