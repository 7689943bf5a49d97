import type { Store } from '../../src/store/store.js';

/**
 * A store that dies like a process killed mid-run: after `allowed` commits, every further
 * commit fails, so nothing after that point is ever written.
 */
export function crashingStore(inner: Store, allowed: number): Store & { commits: number } {
  const store = {
    ...inner,
    commits: 0,
    async commit(batch: Parameters<Store['commit']>[0]) {
      if (store.commits >= allowed) throw new Error('simulated crash');
      store.commits += 1;
      return inner.commit(batch);
    },
    // The abandoned process never closes anything.
    async close() {},
  };
  return store;
}
