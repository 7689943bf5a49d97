import { type Dataset, outcomeOf } from './dataset.js';

/** A model sequence's expected figures over one type's items. */
interface Point {
  costUsd: number;
  solved: number;
  sequence: readonly string[];
}

/** The best a policy that knows only the task type can do, in hindsight and in expectation. */
export interface SequenceHull {
  /** Solved share (%) and total cost over every item, within the budget. */
  solvedPct: number;
  costUsd: number;
  /** Per type, the sequences mixed at the budget (one, or two in proportion). */
  sequences: Record<string, string[][]>;
}

/**
 * A sequence's expected solved items and cost over `items`, when each attempt is reviewed by a
 * reviewer that errs with probability `errorRate`: a right result is approved with chance
 * 1 − e, a wrong one with chance e (shipped, not solved); a rejection moves to the next model.
 */
function expected(
  dataset: Dataset,
  items: readonly string[],
  sequence: readonly string[],
  e: number,
) {
  let solved = 0;
  let costUsd = 0;
  for (const item of items) {
    let reach = 1;
    for (const model of sequence) {
      const { resolved, costUsd: cost } = outcomeOf(dataset, model, item);
      costUsd += reach * cost;
      if (resolved) solved += reach * (1 - e);
      reach *= resolved ? e : 1 - e;
    }
  }
  return { solved, costUsd };
}

/** Every sequence of up to `length` distinct models, each after the first on its predecessor's ladder. */
function sequences(
  models: readonly string[],
  ladders: Readonly<Record<string, readonly string[]>>,
  length: number,
): string[][] {
  const all: string[][] = [];
  const grow = (sequence: string[]) => {
    all.push(sequence);
    if (sequence.length === length) return;
    const last = sequence[sequence.length - 1] as string;
    for (const next of ladders[last] ?? []) {
      if (models.includes(next) && !sequence.includes(next)) grow([...sequence, next]);
    }
  };
  for (const model of models) grow([model]);
  return all;
}

/** The upper concave hull of (cost, solved), cheapest first: the points worth mixing. */
function upperHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.costUsd - b.costUsd || b.solved - a.solved);
  const hull: Point[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (last && p.solved <= last.solved) continue;
    while (hull.length >= 2) {
      const [a, b] = hull.slice(-2) as [Point, Point];
      if (
        (b.solved - a.solved) * (p.costUsd - a.costUsd) <=
        (p.solved - a.solved) * (b.costUsd - a.costUsd)
      )
        hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/**
 * The most a policy that reads only the task type can solve within `budgetUsd`, in hindsight:
 * per type, every sequence of up to `maxAttempts` models along `ladders` is scored in
 * expectation under a reviewer erring with `errorRate`; a type-only policy can at best mix
 * them (the upper hull of their cost and solved), and the budget goes to the types' steps with
 * the most solved per dollar first. An upper bound on ours by type, which has to learn all this
 * online from the reviewer's verdicts.
 *
 * @example
 * sequenceHull(dataset, loaded.config.fallback_chain, 3, 0.1, 2.83).solvedPct; // 91.6
 */
export function sequenceHull(
  dataset: Dataset,
  ladders: Readonly<Record<string, readonly string[]>>,
  maxAttempts: number,
  errorRate: number,
  budgetUsd: number,
): SequenceHull {
  const types = [...new Set(dataset.items.map((item) => item.type))];
  const hulls = types.map((type) => {
    const items = dataset.items.filter((item) => item.type === type).map((item) => item.id);
    const points = sequences(dataset.models, ladders, maxAttempts).map((sequence) => ({
      ...expected(dataset, items, sequence, errorRate),
      sequence,
    }));
    return { type, hull: upperHull(points) };
  });
  // Start every type at its cheapest hull point, then buy the steps with most solved per dollar.
  let costUsd = 0;
  let solved = 0;
  const at = new Map<string, { from: Point; to: Point; share: number }>();
  const steps: { type: string; from: Point; to: Point; slope: number }[] = [];
  for (const { type, hull } of hulls) {
    const first = hull[0] as Point;
    costUsd += first.costUsd;
    solved += first.solved;
    at.set(type, { from: first, to: first, share: 0 });
    hull.slice(1).forEach((to, i) => {
      const from = hull[i] as Point;
      steps.push({
        type,
        from,
        to,
        slope: (to.solved - from.solved) / (to.costUsd - from.costUsd),
      });
    });
  }
  for (const step of steps.sort((a, b) => b.slope - a.slope)) {
    const extra = step.to.costUsd - step.from.costUsd;
    const share = Math.max(0, Math.min(1, (budgetUsd - costUsd) / extra));
    if (share === 0) break;
    costUsd += share * extra;
    solved += share * (step.to.solved - step.from.solved);
    at.set(step.type, { from: step.from, to: step.to, share });
    if (share < 1) break;
  }
  const sequencesOf = ({ from, to, share }: { from: Point; to: Point; share: number }) =>
    share === 0
      ? [[...from.sequence]]
      : share === 1
        ? [[...to.sequence]]
        : [[...from.sequence], [...to.sequence]];
  return {
    solvedPct: (100 * solved) / dataset.items.length,
    costUsd,
    sequences: Object.fromEntries([...at].map(([type, mix]) => [type, sequencesOf(mix)])),
  };
}
