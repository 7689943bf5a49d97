import { createHash } from 'node:crypto';
import { z } from 'zod';
import { taskInputSchema } from '../../machines/task-types.js';
import type {
  BudgetRefusal,
  BudgetReservation,
  BudgetSettlement,
  BudgetUsage,
} from './budget-records.js';
import type { PerformanceRow } from './performance-row.js';
import type { ReviewedStoreMethods } from './reviewed-rows.js';
import type { StoreCounts } from './store-counters.js';

export const taskStatusSchema = z.enum([
  'classifying',
  'overriding',
  'executing',
  'reviewing',
  'escalated',
  'done',
  'blocked',
  'cancelled',
]);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** Which tasks `listTasks` gives: of these statuses, this many, after this one. */
export interface TaskListFilter {
  status?: readonly TaskStatus[];
  limit?: number;
  after?: { createdAt: number; id: string };
  /**
   * Gives a row that cannot be read in its place, as an UnreadableTaskSummary, instead of
   * failing the whole list with a StoreError that names it.
   */
  withUnreadable?: boolean;
}

export const finalStatuses: ReadonlySet<TaskStatus> = new Set(['done', 'blocked', 'cancelled']);

/** A task as stored: its input, its latest persisted snapshot and the machine version it fits. */
export const storedTaskSchema = z.object({
  id: z.string(),
  status: taskStatusSchema,
  machineVersion: z.int(),
  input: taskInputSchema,
  snapshot: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type StoredTask = z.infer<typeof storedTaskSchema>;
export type TaskSummary = Omit<StoredTask, 'snapshot'>;

/**
 * A listed task whose row cannot be read (`listTasks` with `withUnreadable`): its id, status
 * and times as stored and why, so that one bad row is shown for what it is and the rest of the
 * list goes on (as `TaskClaim` does for a claim). The row itself is left as it is.
 */
export interface UnreadableTaskSummary {
  id: string;
  /** The status column as stored (it may be what made the row unreadable). */
  status: string;
  createdAt: number;
  updatedAt: number;
  /** Why, such as `its stored row cannot be read: stored JSON is unreadable`. */
  unreadable: string;
  input?: never;
  machineVersion?: never;
}

/** A task in a list that shows the rows it cannot read: its summary, or why not. */
export type TaskListEntry = (TaskSummary & { unreadable?: never }) | UnreadableTaskSummary;

/**
 * One transition of one task, written in one transaction with the others of its batch: the
 * event that caused it (null for the task's creation) and the snapshot it led to.
 */
export interface TaskCommit {
  taskId: string;
  /** Present on the task's first commit. */
  input?: z.infer<typeof taskInputSchema>;
  event: Record<string, unknown> | null;
  snapshot: Record<string, unknown>;
  status: TaskStatus;
  machineVersion: number;
  at: number;
  /**
   * On the task's first commit: the process creating it holds it from the start (`cto run`
   * works on what it creates), so no other process claims it. Its lease's token is 1.
   */
  claim?: { owner: string; expiresAt: number };
  /**
   * On the task's first commit: the key of the item it is made from (`plane:acme/<item id>`),
   * unique in the store. A task whose key another task already has is not created: none of its
   * rows are written, and its id comes back in `CommitResult.duplicates`.
   */
  sourceKey?: string;
}

/**
 * A process's hold on a task until `expiresAt`, renewed while it works. `token` (the fencing
 * token) grows by one with every claim of the task, so a write from an earlier holder, who
 * lost the lease, is told apart and refused.
 */
export interface Lease {
  taskId: string;
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * A claimed task: its stored row and the lease now held on it; or, when the row cannot be read,
 * why (`unreadable`), so that one bad row is reported and the rest of the claim goes on. The
 * lease on an unreadable task is taken all the same and lapses, so it is tried again later.
 */
export type TaskClaim =
  | { task: StoredTask; lease: Lease; unreadable?: never }
  | { task: null; lease: Lease; unreadable: string };

/**
 * What one transaction did not write: the parts of tasks whose fencing token is stale, and the
 * reservations over a budget.
 */
export interface CommitResult {
  /** Task ids whose transitions, journal entries and history deltas were refused. */
  fenced: string[];
  /** Task ids not created because another task already has their source key. */
  duplicates: string[];
  /** Reservations refused, by id, each with the first limit it would exceed (absent: none). */
  overBudget?: { id: string; refusal: BudgetRefusal }[];
}

export const storedEventSchema = z.object({
  taskId: z.string(),
  seq: z.int().positive(),
  /** Null for the creation of the task (its input is in the task row). */
  event: z.record(z.string(), z.unknown()).nullable(),
  at: z.number(),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;

/** Work inside one step (a model turn, a tool call started or finished, a session id …). */
export const journalEntrySchema = z.object({
  taskId: z.string(),
  requestId: z.string(),
  seq: z.int().positive(),
  kind: z.string(),
  data: z.unknown(),
  at: z.number(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type NewJournalEntry = Omit<JournalEntry, 'seq'>;
/** One request's journal, as `journals` reads it. */
export type JournalRequest = Pick<JournalEntry, 'taskId' | 'requestId'>;

/**
 * What one transaction writes: task transitions, journal entries and blobs together, so that
 * a step's result and the event it causes can never be half-stored; with them the performance
 * history a review adds and the budget settlements of the calls that ended.
 */
export interface CommitBatch {
  tasks?: readonly TaskCommit[];
  journal?: readonly NewJournalEntry[];
  /** Content to store, by its `blobRef`. */
  blobs?: readonly (readonly [ref: string, content: string])[];
  /**
   * Deltas added to the performance history of their model and task type; with the task they
   * come from, so that a fenced task's deltas are skipped with the rest of its rows.
   */
  performance?: readonly (PerformanceRow & { taskId?: string })[];
  /** Calls' actual usage, each replacing its reservation. */
  settlements?: readonly BudgetSettlement[];
  /**
   * Tokens and dollars set aside for calls about to run, after the settlements and in order,
   * each atomically against every limit it counts in: one that would exceed a limit is
   * refused alone (nothing of it reserved, its id in `overBudget`) and the rest of the batch
   * is written. Checked inside the batch's transaction, so no process ever reserves past a
   * limit, without a transaction per call.
   */
  reservations?: readonly BudgetReservation[];
  /**
   * The lease tokens the writer holds, by task. A task whose stored token differs (another
   * process has claimed it since) gets none of its rows written: its transitions, journal
   * entries and history deltas are skipped and its id reported in `fenced`; the rest of the
   * batch is written. Blobs and settlements are written whoever sends them (the money was
   * spent either way). Tasks without a fence here are written as before.
   */
  fences?: readonly { taskId: string; token: number }[];
}

/**
 * The address of a blob: the sha256 of its content, so a text is stored once.
 *
 * @example
 * blobRef('hello'); // '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'
 */
export function blobRef(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** A task made from an item of a task source (a Plane work item …), as the source sees it. */
export const sourceTaskSchema = z.object({
  id: z.string(),
  sourceKey: z.string(),
  status: taskStatusSchema,
  input: taskInputSchema,
  /** No process has claimed it yet: it has not started, and its input may still be replaced. */
  queued: z.boolean(),
  /** The steps of its report to the source that are written (`start`, `end`). */
  reported: z.array(z.string()),
});
export type SourceTask = z.infer<typeof sourceTaskSchema>;

/** Who writes one step of a task's report to its source, until when. */
export interface ReportClaim {
  taskId: string;
  /** `start` or `end`: one write-back each, at most once done. */
  step: string;
  owner: string;
  now: number;
  leaseMs: number;
}

/** How a task source is doing, as one process last saw it (`cto status` shows it). */
export interface SourceHealthRecord {
  /** The source's name, such as `plane`. */
  source: string;
  owner: string;
  at: number;
  health: unknown;
}

/** A stored row that does not read back as it should: named, never passed on half-read. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * Where tasks live: tasks with their latest snapshot, an append-only event log per task, the
 * step journal, blobs addressed by content hash, the performance history and the budget
 * ledger (reservations and settlements ride with the batch they are committed in). Every
 * backend passes the same contract suite (test/store/store-contract.ts).
 */
export interface Store extends ReviewedStoreMethods {
  /** Writes the whole batch in one transaction: all of it or none. */
  commit(batch: CommitBatch): Promise<CommitResult>;
  getTask(id: string): Promise<StoredTask | null>;
  /**
   * Tasks newest first (by creation, then id); `after` pages on from the last task of a page
   * (its `createdAt` and `id`).
   */
  listTasks(filter: TaskListFilter & { withUnreadable: true }): Promise<TaskListEntry[]>;
  listTasks(filter?: TaskListFilter): Promise<TaskSummary[]>;
  /** Tasks whose latest snapshot is not final, oldest first. */
  unfinishedTasks(): Promise<StoredTask[]>;
  /**
   * Claims up to `limit` unfinished tasks, oldest first, that no live lease holds (never
   * leased, released, or expired at `now`: a dead process's tasks are taken over), for `owner`
   * until `now + leaseMs`, each with a new fencing token. Two processes claiming at once never
   * get the same task (PostgreSQL: `FOR UPDATE SKIP LOCKED`). With `taskId`, only that task
   * (to cancel it here): none when it is final or another process holds it. A row that
   * cannot be read is claimed as `unreadable`, never failing the claim of the others.
   */
  claimTasks(claim: {
    owner: string;
    limit: number;
    now: number;
    leaseMs: number;
    taskId?: string;
  }): Promise<TaskClaim[]>;
  /**
   * Extends `owner`'s leases on these tasks to `now + leaseMs` (the heartbeat); gives back the
   * leases it still holds. A task missing from the answer was taken over: drop it.
   */
  renewLeases(renewal: {
    owner: string;
    taskIds: readonly string[];
    now: number;
    leaseMs: number;
  }): Promise<Lease[]>;
  /**
   * Gives up `owner`'s leases on these tasks (finished, or the process stops), or on every
   * task it holds when no ids are given (the owner is known to be dead).
   */
  releaseLeases(owner: string, taskIds?: readonly string[]): Promise<void>;
  /**
   * The owners of unexpired leases on unfinished tasks at `now`: a process looks among them
   * for dead processes of its own host, whose tasks need not wait for their leases to expire.
   */
  leaseOwners(now: number): Promise<string[]>;
  countByStatus(): Promise<Partial<Record<TaskStatus, number>>>;
  events(taskId: string): Promise<StoredEvent[]>;
  journal(taskId: string, requestId?: string): Promise<JournalEntry[]>;
  /**
   * The journal entries of each of these requests, in one read (the requests a claim re-sends):
   * by task, request and seq.
   */
  journals(requests: readonly JournalRequest[]): Promise<JournalEntry[]>;
  /** Stores a text once, whatever how often it is put; returns its sha256. */
  putBlob(content: string): Promise<string>;
  getBlob(ref: string): Promise<string | null>;
  /** The performance history: one row per model and task type. */
  performance(): Promise<PerformanceRow[]>;
  /** Settled use of every scope in a window, and what reservations unexpired at `now` hold. */
  budgetUsage(window: string, now: number): Promise<BudgetUsage[]>;
  /** The task made from the item with this source key, or null. */
  taskBySource(sourceKey: string): Promise<SourceTask | null>;
  /**
   * The tasks whose source key starts with `prefix` that are unfinished, or finished with the
   * `end` step of their report not written yet: what a task source keeps in step.
   */
  openSourceTasks(prefix: string): Promise<SourceTask[]>;
  /**
   * Replaces the input and snapshot of a task that no process has claimed yet (its item was
   * edited while it waited); false, and nothing written, once one has (it has started).
   */
  replaceQueued(task: {
    taskId: string;
    input: z.infer<typeof taskInputSchema>;
    snapshot: Record<string, unknown>;
    at: number;
  }): Promise<boolean>;
  /**
   * Takes on one step of a task's report to its source (a write-back journaled like a tool
   * call): the number of times it has been begun, this one included (above 1, an earlier
   * writer may have got as far as the source: look there before writing again); null when the
   * step is written already, or another owner's claim on it is live at `now`.
   */
  beginReport(claim: ReportClaim): Promise<{ tries: number } | null>;
  /**
   * Ends `owner`'s claim on a step: written (no `error`), or given back with the error, for a
   * later try.
   */
  endReport(end: {
    taskId: string;
    step: string;
    owner: string;
    now: number;
    error?: string;
  }): Promise<void>;
  /** What this store has sent to its database since it opened (the benches print it). */
  counts(): Promise<StoreCounts>;
  /** Records how a source is doing in this process (one row per source and owner). */
  putSourceHealth(record: SourceHealthRecord): Promise<void>;
  /** Every source's latest records, newest first; records over a week old are dropped. */
  sourceHealth(): Promise<SourceHealthRecord[]>;
  close(): Promise<void>;
}

/** What task sources need of a store, which each backend implements in a file of its own. */
export type SourceStoreMethods = Pick<
  Store,
  | 'taskBySource'
  | 'openSourceTasks'
  | 'replaceQueued'
  | 'beginReport'
  | 'endReport'
  | 'putSourceHealth'
  | 'sourceHealth'
>;
