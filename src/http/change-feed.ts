import { randomBytes } from 'node:crypto';
import type { CallActivity, TaskChange } from '../runtime/create-orchestrator.js';

/** A stored step of some task, numbered in the order this process heard of it. */
export interface NumberedChange extends TaskChange {
  /** `<boot>-<n>`: resumable within this process's life; another process's ids are unknown. */
  id: string;
}

export type FeedListener = (
  message:
    | { kind: 'change'; change: NumberedChange }
    | { kind: 'activity'; activity: CallActivity },
) => void;

/**
 * What the HTTP API's live streams listen to: every task step this process stores (numbered,
 * the last `keep` kept, so a stream that reconnects with `Last-Event-ID` misses nothing), and
 * what model calls are doing (tool calls, turns; not kept). The orchestrator feeds it through
 * its `onChange` and `onProgress` options.
 *
 * @example
 * const feed = new ChangeFeed();
 * const orchestrator = createOrchestrator({ ports, onChange: feed.changed, onProgress: feed.activity });
 */
export class ChangeFeed {
  readonly #boot = randomBytes(4).toString('hex');
  readonly #keep: number;
  readonly #changes: NumberedChange[] = [];
  #count = 0;
  readonly #listeners = new Set<FeedListener>();

  constructor({ keep = 10_000 }: { keep?: number } = {}) {
    this.#keep = keep;
  }

  /** Hears a stored step (the orchestrator's `onChange`). */
  readonly changed = (change: TaskChange): void => {
    this.#count += 1;
    const numbered = { ...change, id: `${this.#boot}-${this.#count}` };
    this.#changes.push(numbered);
    if (this.#changes.length > this.#keep)
      this.#changes.splice(0, this.#changes.length - this.#keep);
    for (const listener of this.#listeners) listener({ kind: 'change', change: numbered });
  };

  /** Hears a note from a model call under way (the orchestrator's `onProgress`). */
  readonly activity = (activity: CallActivity): void => {
    for (const listener of this.#listeners) listener({ kind: 'activity', activity });
  };

  /** The id of the latest change, to resume from (null before any). */
  get lastId(): string | null {
    return this.#changes.at(-1)?.id ?? null;
  }

  /**
   * The changes after `id`, or null when this feed cannot tell (an id of another process's
   * life, or one too old to be kept): the reader must reload instead.
   */
  since(id: string): NumberedChange[] | null {
    const [boot, n] = id.split('-');
    const seen = Number(n);
    if (boot !== this.#boot || !Number.isInteger(seen) || seen < 0 || seen > this.#count)
      return null;
    const oldest = this.#count - this.#changes.length; // the number just before the first kept
    if (seen < oldest) return null;
    return this.#changes.slice(seen - oldest);
  }

  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
