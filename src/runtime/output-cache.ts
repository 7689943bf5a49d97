import type { Store } from '../store/store.js';

/**
 * The outputs of the live tasks' attempts, by blob ref: the review and the outcome read them
 * back at once instead of from the store, where they are stored all the same.
 */
export interface OutputCache {
  /** The output under `ref`: kept here, else read from the store (null when there is none). */
  get(ref: string): Promise<string | null>;
  put(ref: string, text: string): void;
  /** Lets go of the outputs of a task that ended. */
  forget(refs: readonly string[]): void;
}

/**
 * Creates an output cache in front of a store's blobs.
 *
 * @example
 * const outputs = createOutputCache(store);
 * outputs.put(step.outputRef, step.output);
 * await outputs.get(step.outputRef); // the output, without reading the store
 */
export function createOutputCache(store: Pick<Store, 'getBlob'>): OutputCache {
  const outputs = new Map<string, string>();
  return {
    get: async (ref) => outputs.get(ref) ?? store.getBlob(ref),
    put: (ref, text) => void outputs.set(ref, text),
    forget(refs) {
      for (const ref of refs) outputs.delete(ref);
    },
  };
}
