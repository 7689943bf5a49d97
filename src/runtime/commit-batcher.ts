import type { BudgetRefusal, BudgetReservation } from '../store/budget-records.js';
import type { CommitBatch, Store, TaskCommit } from '../store/store.js';

/** What a stager gives: a part of a batch, with its task and the fence it holds. */
type Part = Omit<CommitBatch, 'tasks' | 'fences' | 'reservations'> & {
  task?: TaskCommit;
  /** The lease token the writer holds on the task this part belongs to. */
  fence?: { taskId: string; token: number };
};

/** A part as staged: kept as given (not copied), with how its stager learns the outcome. */
interface Staged {
  part: Part;
  reservation?: BudgetReservation;
  /** Called once the batch is written, with the reservations it refused by id. */
  resolve: (overBudget: ReadonlyMap<string, BudgetRefusal>) => void;
  reject: (error: unknown) => void;
}

const noneOverBudget: ReadonlyMap<string, BudgetRefusal> = new Map();
const none: ReadonlySet<string> = new Set();
const noPart: Part = {};

/** A write refused because another process has claimed the task since: drop the task. */
export class LeaseLostError extends Error {
  readonly taskId: string;
  constructor(taskId: string) {
    super(`task ${taskId} was taken over by another process (its lease token is stale)`);
    this.name = 'LeaseLostError';
    this.taskId = taskId;
  }
}

/** A task not created because another task was made from the same item (its source key). */
export class SourceKeyTakenError extends Error {
  readonly taskId: string;
  constructor(taskId: string) {
    super(`task ${taskId} was not created: another task has its source key`);
    this.name = 'SourceKeyTakenError';
    this.taskId = taskId;
  }
}

/**
 * Group commit: everything staged while the event loop runs one turn, or while the previous
 * batch is being written, is written in one transaction, and each stager learns when its part
 * is durable. One transaction for many tasks is what makes a persisted step per transition
 * affordable; merging what waits behind a write makes batches grow as the store slows, instead
 * of queueing many small ones. Batches are written one at a time and in order, so a task's
 * transitions reach the store in the order they happened.
 * After a failed write nothing more is written: the caller treats that as a crash. A part
 * whose task's lease was lost (fenced by the store) is refused alone, with `LeaseLostError`;
 * a task not created because its source key is taken, with `SourceKeyTakenError`.
 * Budget reservations ride along too (`reserve`): checked in the batch's transaction, after
 * its settlements, so a call reserves without a transaction of its own.
 *
 * @example
 * const batcher = new CommitBatcher(store);
 * await batcher.stage({ task: commit, fence: { taskId, token } }); // durable now; safe to send the request it implies
 * const refusal = await batcher.reserve(reservation); // null: reserved, durably
 */
export class CommitBatcher {
  readonly #store: Store;
  #staged: Staged[] = [];
  #scheduled = false;
  /** True while a batch is being written: what is staged meanwhile waits to go with the next. */
  #busy = false;
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown = null;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The error of the write that failed, once one has. */
  get failure(): unknown {
    return this.#failure;
  }

  stage(part: Part): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#staged.push({ part, resolve: () => resolve(), reject });
      this.#schedule();
    });
  }

  /**
   * Reserves with the next batch: null once reserved, else the limit it would exceed (nothing
   * of it reserved; the rest of the batch is written all the same).
   */
  reserve(reservation: BudgetReservation): Promise<BudgetRefusal | null> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#staged.push({
        part: noPart,
        reservation,
        resolve: (overBudget) => resolve(overBudget.get(reservation.id) ?? null),
        reject,
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#busy || this.#staged.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  /** Resolves once everything staged so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#busy || this.#staged.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.#writing;
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const parts = this.#staged;
    this.#staged = [];
    this.#busy = true;
    this.#writing = this.#write(parts).finally(() => {
      this.#busy = false;
      this.#schedule();
    });
  }

  /** One batch of the parts: each task fenced once, each history delta with its task. */
  static #batchOf(parts: readonly Staged[]): CommitBatch {
    const batch: Required<{ [K in keyof CommitBatch]: NonNullable<CommitBatch[K]>[number][] }> = {
      tasks: [],
      journal: [],
      blobs: [],
      performance: [],
      settlements: [],
      reservations: [],
      fences: [],
    };
    const fenced = new Set<string>();
    for (const { part, reservation } of parts) {
      if (part.task) batch.tasks.push(part.task);
      if (part.journal) batch.journal.push(...part.journal);
      if (part.blobs) batch.blobs.push(...part.blobs);
      if (part.performance) {
        const taskId = part.fence?.taskId;
        for (const delta of part.performance)
          batch.performance.push(taskId ? { ...delta, taskId } : delta);
      }
      if (part.settlements) batch.settlements.push(...part.settlements);
      if (reservation) batch.reservations.push(reservation);
      if (part.fence && !fenced.has(part.fence.taskId)) {
        fenced.add(part.fence.taskId);
        batch.fences.push(part.fence);
      }
    }
    return batch;
  }

  async #write(parts: Staged[]): Promise<void> {
    if (this.#failure) {
      for (const part of parts) part.reject(this.#failure);
      return;
    }
    let refused: ReadonlySet<string>;
    let duplicates: ReadonlySet<string>;
    let overBudget = noneOverBudget;
    try {
      const result = await this.#store.commit(CommitBatcher.#batchOf(parts));
      refused = result.fenced.length > 0 ? new Set(result.fenced) : none;
      duplicates = result.duplicates.length > 0 ? new Set(result.duplicates) : none;
      if (result.overBudget)
        overBudget = new Map(result.overBudget.map((over) => [over.id, over.refusal]));
    } catch (error) {
      this.#failure = error;
      for (const part of parts) part.reject(error);
      return;
    }
    for (const staged of parts) {
      const { fence, task } = staged.part;
      if (fence && refused.has(fence.taskId)) staged.reject(new LeaseLostError(fence.taskId));
      else if (task && duplicates.has(task.taskId))
        staged.reject(new SourceKeyTakenError(task.taskId));
      else staged.resolve(overBudget);
    }
  }
}
