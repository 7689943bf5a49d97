import { parseArgs } from 'node:util';

/** What a run of the routing bench replays. */
export interface BenchOptions {
  /** Spec files; none: the shipped ones. */
  specs: string[];
  /** How many seeds, from `firstSeed` on. */
  seeds: number;
  firstSeed: number;
  /** The reviewer error rates, each its own table. */
  errorRates: number[];
}

export const defaultErrorRates = [0, 0.1, 0.2];

/**
 * The bench's command line: spec paths, `--seeds N` (5 by default), `--first-seed S` (1 by
 * default: seeds S … S + N − 1, so that settings chosen on seeds 1–10 can be checked on 11–20),
 * and `--error-rates 0.1,0.2` (0, 0.1 and 0.2 by default). A bad value comes back as one line.
 *
 * @example
 * benchOptions(['spec.jsonc', '--seeds', '10', '--first-seed', '11']);
 * // { ok: true, options: { specs: ['spec.jsonc'], seeds: 10, firstSeed: 11, errorRates: [0, 0.1, 0.2] } }
 */
export function benchOptions(
  args: readonly string[],
): { ok: true; options: BenchOptions } | { ok: false; message: string } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  const count = Number(values.seeds);
  if (!Number.isInteger(count) || count < 1)
    return { ok: false, message: `--seeds expects a positive whole number, got "${values.seeds}"` };
  const first = Number(values['first-seed']);
  if (!Number.isInteger(first) || first < 1)
    return {
      ok: false,
      message: `--first-seed expects a positive whole number, got "${values['first-seed']}"`,
    };
  const rates =
    values['error-rates'] === undefined
      ? defaultErrorRates
      : values['error-rates'].split(',').map(Number);
  if (values['error-rates'] !== undefined && rates.some((r) => !(r >= 0 && r < 0.5)))
    return {
      ok: false,
      message: `--error-rates expects numbers from 0 to below 0.5 separated by commas, got "${values['error-rates']}"`,
    };
  return {
    ok: true,
    options: {
      specs: positionals,
      seeds: count,
      firstSeed: first,
      errorRates: rates,
    },
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      seeds: { type: 'string', default: '5' },
      'first-seed': { type: 'string', default: '1' },
      'error-rates': { type: 'string' },
    },
  });
}
