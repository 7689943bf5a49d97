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

/** What one transaction did not write: the parts of tasks whose fencing token is stale. */
export interface CommitResult {
  /** Task ids whose transitions, journal entries and history deltas were refused. */
  fenced: string[];
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
 * ledger. Every backend passes the same contract suite (test/store/store-contract.ts).
 */
export interface Store {
  /** Writes the whole batch in one transaction: all of it or none. */
  commit(batch: CommitBatch): Promise<CommitResult>;
  getTask(id: string): Promise<StoredTask | null>;
  /**
   * Tasks newest first (by creation, then id); `after` pages on from the last task of a page
   * (its `createdAt` and `id`).
   */
  listTasks(filter?: TaskListFilter): Promise<TaskSummary[]>;
  /** Tasks whose latest snapshot is not final, oldest first. */
  unfinishedTasks(): Promise<StoredTask[]>;
  /**
   * Claims up to `limit` unfinished tasks, oldest first, that no live lease holds (never
   * leased, released, or expired at `now`: a dead process's tasks are taken over), for `owner`
   * until `now + leaseMs`, each with a new fencing token. Two processes claiming at once never
   * get the same task (PostgreSQL: `FOR UPDATE SKIP LOCKED`). With `taskId`, only that task
   * (to cancel it here): none when it is final or another process holds it.
   */
  claimTasks(claim: {
    owner: string;
    limit: number;
    now: number;
    leaseMs: number;
    taskId?: string;
  }): Promise<{ task: StoredTask; lease: Lease }[]>;
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
  /** Stores a text once, whatever how often it is put; returns its sha256. */
  putBlob(content: string): Promise<string>;
  getBlob(ref: string): Promise<string | null>;
  /** The performance history: one row per model and task type. */
  performance(): Promise<PerformanceRow[]>;
  /**
   * Sets tokens and dollars aside for a call, atomically against every limit it counts in:
   * null when reserved, else the first limit it would exceed (and nothing is reserved).
   */
  reserveBudget(reservation: BudgetReservation): Promise<BudgetRefusal | null>;
  /** Settled use of every scope in a window, and what reservations unexpired at `now` hold. */
  budgetUsage(window: string, now: number): Promise<BudgetUsage[]>;
  close(): Promise<void>;
}
