import { describe, expect, it } from 'vitest';
import { taskIds } from '../../src/runtime/task-id.js';

describe('taskIds', () => {
  it('makes twelve-character ids that sort by creation time', () => {
    const nextId = taskIds();
    const times = [0, 61, 62, 1_000, 1_764_000_000_000, 1_764_000_000_001, 3_000_000_000_000];
    const ids = times.map((now) => nextId(now));
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{7}[\w-]{5}$/);
    expect([...ids].sort()).toEqual(ids);
    // The time part: base 62, seven digits.
    expect(ids[0]?.slice(0, 7)).toBe('0000000');
    expect(ids[1]?.slice(0, 7)).toBe('000000z');
    expect(ids[2]?.slice(0, 7)).toBe('0000010');
  });

  it('never repeats a time in one process: a second id in the same millisecond takes the next', () => {
    const nextId = taskIds();
    const ids = Array.from({ length: 100 }, () => nextId(5_000));
    const times = ids.map((id) => id.slice(0, 7));
    expect(new Set(times).size).toBe(100);
    expect([...ids].sort()).toEqual(ids);
    // A clock that goes back does not make an id sort before an earlier one.
    expect(nextId(1) > (ids.at(-1) ?? '')).toBe(true);
  });

  it('tells processes apart by the random part', () => {
    const ids = Array.from({ length: 50 }, () => taskIds()(5_000));
    expect(new Set(ids).size).toBe(50);
  });
});
