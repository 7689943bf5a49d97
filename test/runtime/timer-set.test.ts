import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { createTimerSet } from '../../src/runtime/timer-set.js';

describe('the timer set', () => {
  it('fires timers in time, not the cancelled ones, and none at all once cleared', () => {
    const clock = new SimulatedClock(0);
    const timers = createTimerSet(clock, () => false);
    const fired: string[] = [];
    timers.later(20, () => fired.push('b'));
    timers.later(10, () => fired.push('a'));
    const cancelled = timers.later(15, () => fired.push('cancelled'));
    timers.cancel(cancelled);
    clock.advance(20);
    expect(fired).toEqual(['a', 'b']);
    timers.later(5, () => fired.push('cleared'));
    timers.clear();
    clock.advance(10);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.pending).toBe(0);
  });

  it('fires nothing once the runtime is stopping', () => {
    const clock = new SimulatedClock(0);
    let stopping = false;
    const timers = createTimerSet(clock, () => stopping);
    let fired = 0;
    timers.later(10, () => fired++);
    stopping = true;
    clock.advance(10);
    expect(fired).toBe(0);
  });
});
