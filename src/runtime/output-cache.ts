import type { Store } from '../store/store.js';

/**
 * The outputs of the live tasks' attempts, by blob ref: the review and the outcome read them
 * back at once instead of from the store, where they are stored all the same.
 */
export interface OutputCache {
  /** The output under `ref`: kept here, else read from the store (null when there is none). */
  get(ref: string): Promise<string | null>;
  /** Keeps an output of `taskId`'s until that task lets go of its outputs. */
  put(taskId: string, ref: string, text: string): void;
  /** Lets go of `taskId`'s outputs (its task ended, or left this process). */
  forget(taskId: string): void;
}

/**
 * Creates an output cache in front of a store's blobs. A ref names its content (a hash), so
 * tasks whose outputs are the same share it: it is kept until the last of them lets go, not
 * dropped from under the others when the first one ends.
 *
 * @example
 * const outputs = createOutputCache(store);
 * outputs.put(taskId, step.outputRef, step.output);
 * await outputs.get(step.outputRef); // the output, without reading the store
 * outputs.forget(taskId);
 */
export function createOutputCache(store: Pick<Store, 'getBlob'>): OutputCache {
  const outputs = new Map<string, { text: string; holders: Set<string> }>();
  const refsOf = new Map<string, string[]>();
  return {
    get: async (ref) => outputs.get(ref)?.text ?? store.getBlob(ref),
    put(taskId, ref, text) {
      const kept = outputs.get(ref);
      if (kept) kept.holders.add(taskId);
      else outputs.set(ref, { text, holders: new Set([taskId]) });
      const refs = refsOf.get(taskId);
      if (refs) refs.push(ref);
      else refsOf.set(taskId, [ref]);
    },
    forget(taskId) {
      for (const ref of refsOf.get(taskId) ?? []) {
        const kept = outputs.get(ref);
        kept?.holders.delete(taskId);
        if (kept?.holders.size === 0) outputs.delete(ref);
      }
      refsOf.delete(taskId);
    },
  };
}
