import { describe, expect, it } from 'vitest';
import { sharedRead } from '../../src/runtime/shared-read.js';

describe('sharedRead', () => {
  it('gives the calls made while a read is under way that read, and reads anew after it', async () => {
    let reads = 0;
    const read = sharedRead(async () => {
      reads += 1;
      return reads;
    });
    expect(read.underway()).toBeNull();
    const first = read();
    expect(read.underway()).toBe(first);
    expect(await Promise.all([first, read(), read()])).toEqual([1, 1, 1]);
    expect(read.underway()).toBeNull();
    expect(await read()).toBe(2);
  });

  it('shares a failed read with every caller, then reads again', async () => {
    let fail = true;
    const read = sharedRead(async () => {
      if (fail) throw new Error('store gone');
      return 'rows';
    });
    const results = await Promise.allSettled([read(), read()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await read()).toBe('rows');
  });
});
