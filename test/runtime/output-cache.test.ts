import { describe, expect, it } from 'vitest';
import { createOutputCache } from '../../src/runtime/output-cache.js';

function cacheReadingFrom(stored: Record<string, string>) {
  const reads: string[] = [];
  const outputs = createOutputCache({
    getBlob: async (ref) => {
      reads.push(ref);
      return stored[ref] ?? null;
    },
  });
  return { outputs, reads };
}

describe('the output cache', () => {
  it('answers from what it keeps, else from the store, and forgets a task’s outputs', async () => {
    const { outputs, reads } = cacheReadingFrom({ stored: 'from the store' });
    outputs.put('t1', 'kept', 'work');
    expect(await outputs.get('kept')).toBe('work');
    expect(reads).toEqual([]);
    expect(await outputs.get('stored')).toBe('from the store');
    outputs.forget('t1');
    expect(await outputs.get('kept')).toBeNull();
    expect(reads).toEqual(['stored', 'kept']);
  });

  it('keeps an output two tasks share until both have let go of it', async () => {
    const { outputs, reads } = cacheReadingFrom({});
    // The same text has the same ref: one task ending must not drop it from under the other.
    outputs.put('t1', 'same', 'done');
    outputs.put('t2', 'same', 'done');
    outputs.forget('t1');
    expect(await outputs.get('same')).toBe('done');
    expect(reads).toEqual([]);
    outputs.forget('t2');
    expect(await outputs.get('same')).toBeNull();
    expect(reads).toEqual(['same']);
  });

  it('forgets every output of a task with several attempts, and nothing of another task', async () => {
    const { outputs, reads } = cacheReadingFrom({});
    outputs.put('t1', 'first', 'attempt 1');
    outputs.put('t1', 'second', 'attempt 2');
    outputs.put('t2', 'other', 'its own');
    outputs.forget('t1');
    outputs.forget('t3');
    expect(await outputs.get('other')).toBe('its own');
    expect(await outputs.get('first')).toBeNull();
    expect(await outputs.get('second')).toBeNull();
    expect(reads).toEqual(['first', 'second']);
  });
});
