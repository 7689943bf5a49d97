import { describe, expect, it } from 'vitest';
import { maskKeys, maskKeysDeep } from '../../src/log/mask-keys.js';

describe('maskKeys', () => {
  it('masks whole keys of every kind and leaves other words alone', () => {
    const text =
      'use sk-proj-abcdefghijkl, ghp_0123456789abcdefABCD, AKIAIOSFODNN7EXAMPLE and xoxb-1234567890ab; ask-me sk-short';
    expect(maskKeys(text)).toBe(
      'use [redacted], [redacted], [redacted] and [redacted]; ask-me sk-short',
    );
  });

  it('masks the start of a key that a shortened line cut off at its ellipsis', () => {
    expect(maskKeys('write_file {"content":"aaa AKIAABCDEFGHIJKLMNO…')).toBe(
      'write_file {"content":"aaa [redacted]…',
    );
    expect(maskKeys('token ghp_01234…')).toBe('token [redacted]…');
    expect(maskKeys('sk-…')).toBe('[redacted]…');
    // An ellipsis after an ordinary word is no key.
    expect(maskKeys('and so on…')).toBe('and so on…');
  });

  it('masks keys in every string and object key of a value', () => {
    expect(maskKeysDeep({ 'sk-abcdefghij': ['AKIAIOSFODNN7EXAMPLE', 3] })).toEqual({
      '[redacted]': ['[redacted]', 3],
    });
  });
});
