/** A seeded source of numbers in [0, 1): the same seed gives the same sequence. */
export type Rng = () => number;

/**
 * mulberry32: a tiny 32-bit seeded PRNG, plenty for a replay (not for anything secret).
 *
 * @example
 * const rng = mulberry32(42);
 * rng(); // 0.6011037519201636, every time for seed 42
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A generator for one purpose within a run, so that adding draws in one place does not shift
 * the numbers another place sees: the seed mixed with a label (FNV-1a over the label).
 *
 * @example
 * rngFor(3, 'order:p=0.1'); // always the same stream for seed 3 and this label
 */
export function rngFor(seed: number, label: string): Rng {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mulberry32(hash >>> 0);
}

/** A whole number in [0, n). */
export function randomIndex(n: number, rng: Rng): number {
  return Math.floor(rng() * n);
}

/**
 * A shuffled copy (Fisher–Yates); the input is left as it is.
 *
 * @example
 * shuffled(['a', 'b', 'c'], mulberry32(1)); // the same order every time for seed 1
 */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1, rng);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
