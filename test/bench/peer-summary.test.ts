import { describe, expect, it } from 'vitest';
import { type Round, ratios, roundLine, spread, summarize } from '../../bench/peers/summary.js';

const round = (ours: number | null, bare: number | null, langgraph: number | null): Round => ({
  ours,
  'bare-xstate': bare,
  langgraph,
});

describe('spread', () => {
  it('gives the minimum, the median and the maximum, whatever the order', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, count: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4, count: 4 });
  });

  it('is null when nothing was measured', () => {
    expect(spread([])).toBeNull();
  });
});

describe('ratios', () => {
  it('divides ours by the peer within each round, skipping rounds where either failed', () => {
    const rounds = [round(600, 1000, 100), round(null, 1000, 100), round(500, null, 50)];
    expect(ratios(rounds, 'bare-xstate')).toEqual([0.6]);
    expect(ratios(rounds, 'langgraph')).toEqual([6, 10]);
  });
});

describe('summarize', () => {
  it('prints each contestant and each ratio against its target, from the median', () => {
    const lines = summarize([round(600, 1000, 100), round(500, 1000, 100), round(700, 1000, 50)]);
    expect(lines[0]).toBe(
      'ours (SQLite, budgets, history, leases): median 600 tasks/s (min 500 tasks/s, max 700 tasks/s, 3 rounds)',
    );
    expect(lines[3]).toBe(
      'ours / bare XState + SQLite: median 60% (min 50%, max 70%, 3 rounds); target ≥ 60%: met',
    );
    expect(lines[4]).toBe(
      'ours / LangGraph.js: median 6.00× (min 5.00×, max 14.00×, 3 rounds); target ≥ 6.00×: met',
    );
  });

  it('says a missed target, and a contestant that never ran', () => {
    const lines = summarize([round(500, 1000, null)]);
    expect(lines[2]).toBe('LangGraph.js + SqliteSaver: no successful round');
    expect(lines[3]).toMatch(/median 50% .* target ≥ 60%: MISSED$/);
    expect(lines[4]).toBe('ours / LangGraph.js: no successful round; target ≥ 6.00×: not measured');
  });
});

describe('roundLine', () => {
  it('shows a failed contestant and leaves its ratio out', () => {
    expect(roundLine(2, round(580, null, 200))).toBe(
      'round 2: ours 580 tasks/s, bare-xstate failed, langgraph 200 tasks/s; ' +
        'ours / bare XState + SQLite –, ours / LangGraph.js 2.90×',
    );
  });
});
