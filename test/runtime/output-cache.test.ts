import { describe, expect, it } from 'vitest';
import { createOutputCache } from '../../src/runtime/output-cache.js';

describe('the output cache', () => {
  it('answers from what it keeps, else from the store, and forgets what it is told to', async () => {
    const reads: string[] = [];
    const outputs = createOutputCache({
      getBlob: async (ref) => {
        reads.push(ref);
        return ref === 'stored' ? 'from the store' : null;
      },
    });
    outputs.put('kept', 'work');
    expect(await outputs.get('kept')).toBe('work');
    expect(reads).toEqual([]);
    expect(await outputs.get('stored')).toBe('from the store');
    outputs.forget(['kept']);
    expect(await outputs.get('kept')).toBeNull();
    expect(reads).toEqual(['stored', 'kept']);
  });
});
