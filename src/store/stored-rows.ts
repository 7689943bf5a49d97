import type { z } from 'zod';
import { type BudgetUsage, budgetUsageSchema } from './budget-records.js';
import {
  type PerformanceRow,
  performanceRowSchema,
  summedPerformanceFields,
} from './performance-row.js';
import {
  type JournalEntry,
  journalEntrySchema,
  type Lease,
  type SourceHealthRecord,
  type SourceTask,
  type StoredEvent,
  type StoredTask,
  StoreError,
  sourceTaskSchema,
  storedEventSchema,
  storedTaskSchema,
  type TaskClaim,
  type TaskListEntry,
} from './store.js';

// Rows as both SQL backends store them (snake_case columns, JSON as text, times as numbers),
// read back the same way: a row that does not read back as it should is named, never passed on.

/** Each summed performance field with its column (`laterAttempts` → `later_attempts`). */
export const performanceColumns = summedPerformanceFields.map(
  (field) => [field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), field] as const,
);

export interface TaskRow {
  id: string;
  status: string;
  machine_version: number;
  input: string;
  /** Absent from summaries. */
  snapshot?: string;
  created_at: number;
  updated_at: number;
}

export interface EventRow {
  task_id: string;
  seq: number;
  event: string | null;
  at: number;
}

export interface JournalRow {
  task_id: string;
  request_id: string;
  seq: number;
  kind: string;
  data: string;
  at: number;
}

/**
 * Stored JSON text as a value, or a StoreError naming what it belongs to.
 *
 * @example
 * parseJson(row.snapshot, `task ${row.id}`);
 */
export function parseJson(text: string | null, what: string): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new StoreError(`${what}: stored JSON is unreadable`);
  }
}

/**
 * A value checked against its schema, or a StoreError naming the first field that is wrong.
 *
 * @example
 * checked(budgetUsageSchema, row, `budget use of ${row.scope}`);
 */
export function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new StoreError(
    `${what}: stored row is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
  );
}

/**
 * A task row as a StoredTask (a summary row, without its snapshot, reads with `{}`).
 *
 * @example
 * const task = taskFromRow(db.prepare('SELECT * FROM tasks WHERE id = ?').get(id));
 */
export function taskFromRow(row: TaskRow): StoredTask {
  const what = `task ${row.id}`;
  return checked(
    storedTaskSchema,
    {
      id: row.id,
      status: row.status,
      machineVersion: row.machine_version,
      input: parseJson(row.input, what),
      snapshot: parseJson(row.snapshot ?? '{}', what),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    what,
  );
}

/**
 * A claimed task row with its lease: the task, or why its row cannot be read.
 *
 * @example
 * claimFromRow(row, { taskId: row.id, owner, token: 3, expiresAt }).task?.status; // 'executing'
 */
export function claimFromRow(row: TaskRow, lease: Lease): TaskClaim {
  try {
    return { task: taskFromRow(row), lease };
  } catch (error) {
    return { task: null, lease, unreadable: unreadableRow(row, error) };
  }
}

/**
 * A listed task row (without its snapshot) as a TaskSummary; with `withUnreadable`, a row that
 * cannot be read as what of it is known and why, instead of a StoreError.
 *
 * @example
 * rows.map((row) => summaryFromRow(row, true)).filter((task) => task.unreadable);
 */
export function summaryFromRow(row: TaskRow, withUnreadable = false): TaskListEntry {
  try {
    const { snapshot: _none, ...summary } = taskFromRow(row);
    return summary;
  } catch (error) {
    if (!withUnreadable) throw error;
    return {
      id: row.id,
      status: String(row.status),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      unreadable: unreadableRow(row, error),
    };
  }
}

/** Why a task row cannot be read, from the StoreError it gave (any other error is thrown on). */
function unreadableRow(row: TaskRow, error: unknown): string {
  if (!(error instanceof StoreError)) throw error;
  return unreadableReason(row.id, error.message);
}

/**
 * Why a task's stored row cannot be read, in the words a list shows, from the error that
 * reading it gave (which names the task).
 *
 * @example
 * unreadableReason('t1', 'task t1: stored JSON is unreadable');
 * // 'its stored row cannot be read: stored JSON is unreadable'
 */
export function unreadableReason(taskId: string, message: string): string {
  return `its stored row cannot be read: ${message.replace(`task ${taskId}: `, '')}`;
}

/**
 * An event row as a StoredEvent.
 *
 * @example
 * rows.map(eventFromRow);
 */
export function eventFromRow(row: EventRow): StoredEvent {
  const what = `event ${row.seq} of task ${row.task_id}`;
  return checked(
    storedEventSchema,
    { taskId: row.task_id, seq: row.seq, event: parseJson(row.event, what), at: row.at },
    what,
  );
}

/**
 * A journal row as a JournalEntry.
 *
 * @example
 * rows.map(journalFromRow);
 */
export function journalFromRow(row: JournalRow): JournalEntry {
  const what = `journal entry ${row.request_id}#${row.seq}`;
  return checked(
    journalEntrySchema,
    {
      taskId: row.task_id,
      requestId: row.request_id,
      seq: row.seq,
      kind: row.kind,
      data: parseJson(row.data, what),
      at: row.at,
    },
    what,
  );
}

/**
 * A performance row (its columns named as `performanceColumns` says) as a PerformanceRow.
 *
 * @example
 * rows.map(performanceFromRow);
 */
export function performanceFromRow(row: Record<string, unknown>): PerformanceRow {
  return checked(
    performanceRowSchema,
    {
      model: row.model,
      taskType: row.task_type,
      ...Object.fromEntries(performanceColumns.map(([c, k]) => [k, row[c]])),
      maxCallTokens: row.max_call_tokens,
    },
    `performance of ${String(row.model)} on ${String(row.task_type)}`,
  );
}

/**
 * A budget_usage row (`scope, tokens, usd, reservedTokens, reservedUsd`) of a window.
 *
 * @example
 * rows.map((row) => usageFromRow(row, '2026-11-24'));
 */
export function usageFromRow(row: Record<string, unknown>, window: string): BudgetUsage {
  return checked(budgetUsageSchema, { ...row, window }, `budget use of ${String(row.scope)}`);
}

export interface SourceTaskRow {
  id: string;
  source_key: string;
  status: string;
  input: string;
  lease_token: number;
  /** The steps reported, comma-separated, or null. */
  reported: string | null;
}

/**
 * A task row with its source key and reported steps as a SourceTask.
 *
 * @example
 * rows.map(sourceTaskFromRow);
 */
export function sourceTaskFromRow(row: SourceTaskRow): SourceTask {
  const what = `task ${row.id}`;
  return checked(
    sourceTaskSchema,
    {
      id: row.id,
      sourceKey: row.source_key,
      status: row.status,
      input: parseJson(row.input, what),
      queued: row.lease_token === 0,
      reported: row.reported ? row.reported.split(',').sort() : [],
    },
    what,
  );
}

/**
 * A source_health row as a SourceHealthRecord.
 *
 * @example
 * rows.map(healthFromRow);
 */
export function healthFromRow(row: {
  source: string;
  owner: string;
  at: number;
  health: string;
}): SourceHealthRecord {
  return {
    source: row.source,
    owner: row.owner,
    at: row.at,
    health: parseJson(row.health, `health of ${row.source} in ${row.owner}`),
  };
}

/** The range of source keys that start with `prefix`: `key >= low AND key < high`. */
export function prefixRange(prefix: string): [low: string, high: string] {
  return [prefix, `${prefix}\uffff`];
}
