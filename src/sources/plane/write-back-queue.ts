import type { Logger } from '../../log/logger.js';
import type { SourceTask } from '../../store/store.js';
import type { PlaneProjectView } from './plane-catalog.js';
import { dueStep, itemRef, type WriteBackParts, writeBack } from './plane-write-back.js';

/**
 * The write-backs under way in this process, one chain per task, so that a task's end is
 * written after its start. A failure is logged and left for the next poll, which finds the
 * step still due.
 *
 * @example
 * const queue = new WriteBackQueue(logger);
 * await queue.report(task, projects, () => parts);
 */
export class WriteBackQueue {
  readonly #chains = new Map<string, Promise<void>>();
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /**
   * Writes the step the task is due (read afresh), and the next one if it ended meanwhile.
   * `parts` is asked when the turn comes (null: stopped, write nothing).
   */
  report(
    task: SourceTask,
    projects: readonly PlaneProjectView[],
    parts: () => WriteBackParts | null,
  ): Promise<void> {
    const before = this.#chains.get(task.id) ?? Promise.resolve();
    const project = projects.find((p) => p.id === itemRef(task.sourceKey)?.projectId);
    const next = before.then(async () => {
      for (let round = 0; round < 2; round++) {
        const current = parts();
        const fresh = current && (await current.store.taskBySource(task.sourceKey));
        const step = fresh && dueStep(fresh);
        if (!current || !fresh || !step) return;
        if ((await writeBack(current, fresh, step, project)) === 'skipped') return;
      }
    });
    const settled = next.catch((error: unknown) => {
      this.#logger?.warn(
        { taskId: task.id, err: String(error) },
        'could not write back to Plane; the next poll tries again',
      );
    });
    this.#chains.set(task.id, settled);
    void settled.finally(() => {
      if (this.#chains.get(task.id) === settled) this.#chains.delete(task.id);
    });
    return settled;
  }

  /** Resolves once every write-back under way has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.#chains.values());
  }
}
