import { describe, expect, it } from 'vitest';
import { leaseTokens } from '../../src/store/lease-fences.js';

describe('leaseTokens', () => {
  it('reads the tokens a statement returned, by task', () => {
    expect(leaseTokens([{ task_id: 'a', token: 3 }])).toEqual(new Map([['a', 3]]));
  });

  it('names a token that is not a whole number (a BIGINT past 2^53 read as text, say)', () => {
    expect(() => leaseTokens([{ task_id: 'b', token: '9007199254740993' }])).toThrow(
      /^task b: stored lease token is invalid: 9007199254740993$/,
    );
  });
});
