import type { CommitBatch, Store, TaskCommit } from '../store/store.js';

interface Staged extends Omit<CommitBatch, 'tasks'> {
  task?: TaskCommit;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: everything staged while the event loop runs one turn is written in one
 * transaction, and each stager learns when its part is durable. One transaction for many
 * tasks is what makes a persisted step per transition affordable. Batches are written one at a
 * time and in order, so a task's transitions reach the store in the order they happened.
 * After a failed write nothing more is written: the caller treats that as a crash.
 *
 * @example
 * const batcher = new CommitBatcher(store);
 * await batcher.stage({ task: commit }); // durable now; safe to send the request it implies
 */
export class CommitBatcher {
  readonly #store: Store;
  #staged: Staged[] = [];
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown = null;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The error of the write that failed, once one has. */
  get failure(): unknown {
    return this.#failure;
  }

  stage(part: Omit<Staged, 'resolve' | 'reject'>): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#staged.push({ ...part, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Resolves once everything staged so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#staged.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.#writing;
  }

  #flush(): void {
    this.#scheduled = false;
    const parts = this.#staged;
    this.#staged = [];
    this.#writing = this.#writing.then(async () => {
      if (this.#failure) {
        for (const part of parts) part.reject(this.#failure);
        return;
      }
      const batch: Required<{ [K in keyof CommitBatch]: NonNullable<CommitBatch[K]>[number][] }> = {
        tasks: [],
        journal: [],
        blobs: [],
        performance: [],
        settlements: [],
      };
      for (const part of parts) {
        if (part.task) batch.tasks.push(part.task);
        if (part.journal) batch.journal.push(...part.journal);
        if (part.blobs) batch.blobs.push(...part.blobs);
        if (part.performance) batch.performance.push(...part.performance);
        if (part.settlements) batch.settlements.push(...part.settlements);
      }
      try {
        await this.#store.commit(batch);
      } catch (error) {
        this.#failure = error;
        for (const part of parts) part.reject(error);
        return;
      }
      for (const part of parts) part.resolve();
    });
  }
}
