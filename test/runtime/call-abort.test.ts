import { afterEach, describe, expect, it, vi } from 'vitest';
import { callAbort } from '../../src/runtime/call-abort.js';

describe('callAbort', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('makes no AbortController until the signal is read', () => {
    let made = 0;
    vi.stubGlobal(
      'AbortController',
      class extends AbortController {
        constructor() {
          super();
          made += 1;
        }
      },
    );
    const abort = callAbort();
    abort.onAbort(() => {});
    abort.abort('timeout');
    expect(made).toBe(0);
    expect(abort.signal.reason).toBe('timeout');
    expect(made).toBe(1);
  });

  it('tells each listener once, with the first reason; a later abort changes nothing', () => {
    const abort = callAbort();
    const heard: string[] = [];
    abort.onAbort((reason) => heard.push(`a:${reason}`));
    abort.onAbort((reason) => heard.push(`b:${reason}`));
    const signal = abort.signal;
    abort.abort('timeout');
    abort.abort('cancelled');
    expect(heard).toEqual(['a:timeout', 'b:timeout']);
    expect(abort.reason).toBe('timeout');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('timeout');
  });

  it('gives a signal read after the abort aborted, with its reason, and tells a late listener at once', () => {
    const abort = callAbort();
    expect(abort.reason).toBeNull();
    abort.abort('cancelled');
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe('cancelled');
    const heard: string[] = [];
    abort.onAbort((reason) => heard.push(reason));
    expect(heard).toEqual(['cancelled']);
  });

  it('gives one signal however often it is read, not aborted until the call is', () => {
    const abort = callAbort();
    expect(abort.signal).toBe(abort.signal);
    expect(abort.signal.aborted).toBe(false);
  });
});
