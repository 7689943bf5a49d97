// What the peer benchmark prints from its rounds: each contestant's spread, and the ratios of
// ours to each peer taken within a round (measured back to back), next to their targets.

/** The contestants, in the order they are printed. */
export const contestants = {
  ours: 'ours (SQLite, budgets, history, leases)',
  'bare-xstate': 'bare XState + SQLite',
  langgraph: 'LangGraph.js + SqliteSaver',
} as const;

export type Contestant = keyof typeof contestants;

/** One round: tasks per second of each contestant, or null where its run failed. */
export type Round = Record<Contestant, number | null>;

/** The targets of issue 14: ours against each peer, measured in the same run. */
export const targets = [
  { peer: 'bare-xstate', atLeast: 0.6, label: 'ours / bare XState + SQLite', unit: 'percent' },
  { peer: 'langgraph', atLeast: 6, label: 'ours / LangGraph.js', unit: 'times' },
] as const satisfies readonly {
  peer: Contestant;
  atLeast: number;
  label: string;
  unit: 'percent' | 'times';
}[];

export interface Spread {
  min: number;
  median: number;
  max: number;
  count: number;
}

/**
 * The minimum, median and maximum of the values, or null when there are none.
 *
 * @example
 * spread([3, 1, 2]); // { min: 1, median: 2, max: 3, count: 3 }
 */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    min: sorted[0] as number,
    median,
    max: sorted[sorted.length - 1] as number,
    count: sorted.length,
  };
}

/** Ours divided by `peer` in each round where both ran. */
export function ratios(rounds: readonly Round[], peer: Contestant): number[] {
  return rounds.flatMap((round) =>
    round.ours !== null && round[peer] !== null && round[peer] > 0
      ? [round.ours / round[peer]]
      : [],
  );
}

const rate = (value: number) => value.toFixed(0);
const ratio = {
  percent: (value: number) => `${(value * 100).toFixed(0)}%`,
  times: (value: number) => `${value.toFixed(2)}×`,
};

function spreadText(s: Spread | null, format: (value: number) => string): string {
  return s === null
    ? 'no successful round'
    : `median ${format(s.median)} (min ${format(s.min)}, max ${format(s.max)}, ${s.count} rounds)`;
}

/**
 * The closing lines: tasks/s of each contestant, then each ratio with its target and whether
 * its median meets it.
 *
 * @example
 * summarize([{ ours: 600, 'bare-xstate': 900, langgraph: 100 }]);
 * // [ 'ours (SQLite, budgets, history, leases): median 600 tasks/s …', …,
 * //   'ours / bare XState + SQLite: median 67% (…) target ≥ 60%: met', … ]
 */
export function summarize(rounds: readonly Round[]): string[] {
  const lines = (Object.keys(contestants) as Contestant[]).map((name) => {
    const values = rounds.flatMap((round) => (round[name] === null ? [] : [round[name]]));
    return `${contestants[name]}: ${spreadText(spread(values), (v) => `${rate(v)} tasks/s`)}`;
  });
  for (const target of targets) {
    const s = spread(ratios(rounds, target.peer));
    const verdict = s === null ? 'not measured' : s.median >= target.atLeast ? 'met' : 'MISSED';
    lines.push(
      `${target.label}: ${spreadText(s, ratio[target.unit])}; target ≥ ${ratio[target.unit](target.atLeast)}: ${verdict}`,
    );
  }
  return lines;
}

/** One round on one line. */
export function roundLine(index: number, round: Round): string {
  const figures = (Object.keys(contestants) as Contestant[]).map(
    (name) => `${name} ${round[name] === null ? 'failed' : `${rate(round[name])} tasks/s`}`,
  );
  const paired = targets.map((target) => {
    const [value] = ratios([round], target.peer);
    return `${target.label} ${value === undefined ? '–' : ratio[target.unit](value)}`;
  });
  return `round ${index}: ${figures.join(', ')}; ${paired.join(', ')}`;
}
