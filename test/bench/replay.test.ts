import { describe, expect, it } from 'vitest';
import { oracle, perfectCascade } from '../../bench/routing/reference-cascades.js';
import { replayTask } from '../../bench/routing/replay.js';
import { sequencePolicy } from '../../bench/routing/sequence-policy.js';
import { syntheticDataset } from './synthetic-dataset.js';

// Cheap model A and dear model B on four tasks:
//   t1: A solves ($1)           → A ships, $1
//   t2: A fails ($2), B solves  → B ships, $2 + $20
//   t3: both fail               → not solved, $3 + $30
//   t4: A solves ($4)           → A ships, $4
// A → B with a perfect detector: 3 of 4 solved (75%), $60.
const outcomes: [string, boolean, number, boolean, number][] = [
  ['t1', true, 1, true, 10],
  ['t2', false, 2, true, 20],
  ['t3', false, 3, false, 30],
  ['t4', true, 4, false, 40],
];

// The spec casts dataset models A and B as our a and b.
function dataset() {
  return syntheticDataset(
    outcomes.flatMap(([instance, aResolved, aCost, bResolved, bCost]) => [
      { instance, model: 'A', resolved: aResolved, costUsd: aCost },
      { instance, model: 'B', resolved: bResolved, costUsd: bCost },
    ]),
  );
}

describe('perfectCascade', () => {
  it('gives the solved share and cost computed by hand', () => {
    const data = dataset();
    expect(perfectCascade(data, ['a', 'b'])).toEqual({ solvedPct: 75, costUsd: 60 });
    expect(perfectCascade(data, ['b'])).toEqual({ solvedPct: 50, costUsd: 100 });
    // B → A: $10 + $20 + ($30 + $3) + ($40 + $4); t1, t2 and t4 solved.
    expect(perfectCascade(data, ['b', 'a'])).toEqual({ solvedPct: 75, costUsd: 107 });
  });

  it('gives the oracle: the cheapest solver per task, else the cheapest attempt', () => {
    // t1 $1, t2 $20, t3 the cheapest attempt $3, t4 $4.
    expect(oracle(dataset(), ['a', 'b'])).toEqual({ solvedPct: 75, costUsd: 28 });
  });
});

describe('replayTask', () => {
  const outcome = (model: string, instance: string) => {
    const row = outcomes.find(([id]) => id === instance);
    if (!row) throw new Error(instance);
    return model === 'A'
      ? { resolved: row[1], costUsd: row[2] }
      : { resolved: row[3], costUsd: row[4] };
  };

  it('ships a wrongly approved failure: not solved', () => {
    const run = replayTask({
      instance: 't2',
      policy: sequencePolicy(['A', 'B']),
      review: () => true,
      maxAttempts: 3,
      outcome,
    });
    expect(run.attempts.map((a) => a.model)).toEqual(['A']);
    expect(run.solved).toBe(false);
    expect(run.costUsd).toBe(2);
  });

  it('pays an escalation for a wrong rejection, and blocks after max attempts', () => {
    const run = replayTask({
      instance: 't1',
      policy: sequencePolicy(['A', 'B', 'B', 'B']),
      review: () => false,
      maxAttempts: 3,
      outcome,
    });
    expect(run.attempts.map((a) => a.model)).toEqual(['A', 'B', 'B']);
    expect(run.solved).toBe(false);
    expect(run.costUsd).toBe(1 + 10 + 10);
  });

  it('tells the policy which attempts were followed by another', () => {
    const heard: [string, boolean][] = [];
    const policy = { ...sequencePolicy(['A', 'B']) };
    policy.record = (attempt, escalated) => heard.push([attempt.model, escalated]);
    replayTask({ instance: 't2', policy, review: (resolved) => resolved, maxAttempts: 3, outcome });
    expect(heard).toEqual([
      ['A', true],
      ['B', false],
    ]);
  });

  it('runs and pays for the whole sequence when approvals do not stop it, shipping the first approved', () => {
    const run = replayTask({
      instance: 't1',
      policy: sequencePolicy(['A', 'B']),
      review: (resolved) => resolved,
      maxAttempts: 3,
      outcome,
      stopAtApproval: false,
    });
    expect(run.attempts.map((a) => a.model)).toEqual(['A', 'B']);
    expect(run.solved).toBe(true);
    expect(run.costUsd).toBe(1 + 10);
  });
});
