import type { ReviewedAttempt } from './reviewed-attempt.js';
import type { TextFeatures } from './text-features.js';

/** A reviewed task that reads like the one asked about, and how its attempts went. */
export interface Neighbour {
  taskId: string;
  /** Cosine of the two texts' features, in [0, 1]. */
  similarity: number;
  outcomes: readonly { model: string; approved: boolean }[];
}

/** Reviewed tasks by their text features, searchable by similarity. */
export interface ReviewedIndex {
  /**
   * Adds an attempt; the attempts of one task share its features (the first one's). An attempt
   * added before (same task and number) is not counted twice.
   */
  add(attempt: ReviewedAttempt): void;
  /** The `k` most similar reviewed tasks (other than `exclude`), most similar first. */
  nearest(features: TextFeatures, options?: { k?: number; exclude?: string }): Neighbour[];
  /** How many tasks it holds. */
  readonly size: number;
}

/** Postings scored per query at most: keeps a decision fast however large the history. */
const postingBudget = 60_000;
/** Query terms scored at most, the heaviest (rarest, most repeated) first. */
const queryTerms = 32;

interface Postings {
  docs: Int32Array;
  weights: Float32Array;
  length: number;
  /** The least and the greatest weight in the list. */
  min: number;
  max: number;
  /** Whether a task is in the list twice (its features named a term twice). */
  repeats: boolean;
}

interface QueryTerm {
  list: Postings;
  weight: number;
}

function append(list: Postings, doc: number, weight: number): void {
  if (list.length === list.docs.length) {
    const docs = new Int32Array(list.docs.length * 2);
    const weights = new Float32Array(list.docs.length * 2);
    docs.set(list.docs);
    weights.set(list.weights);
    list.docs = docs;
    list.weights = weights;
  }
  if (list.length > 0 && list.docs[list.length - 1] === doc) list.repeats = true;
  list.docs[list.length] = doc;
  list.weights[list.length] = weight;
  list.length += 1;
  const stored = list.weights[list.length - 1] as number;
  list.min = Math.min(list.min, stored);
  list.max = Math.max(list.max, stored);
}

interface Scored {
  doc: number;
  score: number;
}

/** Adds a scored task to `best` (most similar first, earlier first among equals), kept to `k`. */
function keep(best: Scored[], k: number, doc: number, score: number, skip: number): void {
  if (doc === skip || (best.length === k && score <= (best[k - 1]?.score ?? 0))) return;
  let at = best.length;
  while (at > 0 && (best[at - 1]?.score ?? 0) < score) at--;
  best.splice(at, 0, { doc, score });
  if (best.length > k) best.pop();
}

/**
 * An inverted index over reviewed tasks' features. A query is weighted by the index's inverse
 * document frequencies (ln((N + 1) / (df + 1)) + 1) and scaled to unit length; stored vectors
 * keep their own weights (the "lnc.ltc" scheme), so a task's vector is fixed when stored while
 * rare words still count most. Only the query's heaviest terms are scored, within a budget of
 * postings: what keeps a lookup in milliseconds at 100,000 tasks.
 *
 * @example
 * const index = createReviewedIndex();
 * index.add({ taskId: 't1', attempt: 1, model: 'deepseek', taskType: 'coding', approved: true, at: 0, features });
 * index.nearest(textFeatures('fix the date parser'), { k: 10 }); // [{ taskId: 't1', similarity: 0.42, outcomes: [...] }]
 */
export function createReviewedIndex(): ReviewedIndex {
  const docOf = new Map<string, number>();
  const tasks: string[] = [];
  const outcomes: { model: string; approved: boolean }[][] = [];
  const added = new Set<string>();
  const postings = new Map<number, Postings>();
  // Scratch space reused by every query: a score per task and the tasks scored.
  let scores = new Float32Array(1024);
  let touched = new Int32Array(1024);

  function add(attempt: ReviewedAttempt): void {
    const key = `${attempt.taskId}\u0000${attempt.attempt}`;
    if (added.has(key)) return;
    added.add(key);
    const known = docOf.get(attempt.taskId);
    if (known !== undefined) {
      outcomes[known]?.push({ model: attempt.model, approved: attempt.approved });
      return;
    }
    const doc = tasks.length;
    docOf.set(attempt.taskId, doc);
    tasks.push(attempt.taskId);
    outcomes.push([{ model: attempt.model, approved: attempt.approved }]);
    const { terms, weights } = attempt.features;
    terms.forEach((term, i) => {
      let list = postings.get(term);
      if (!list) {
        list = {
          docs: new Int32Array(4),
          weights: new Float32Array(4),
          length: 0,
          min: Number.POSITIVE_INFINITY,
          max: Number.NEGATIVE_INFINITY,
          repeats: false,
        };
        postings.set(term, list);
      }
      append(list, doc, weights[i] ?? 0);
    });
  }

  function weighted(features: TextFeatures): QueryTerm[] {
    const n = tasks.length;
    const all = features.terms.map((term, i) => {
      const list = postings.get(term);
      const idf = Math.log((n + 1) / ((list?.length ?? 0) + 1)) + 1;
      return { list, weight: (features.weights[i] ?? 0) * idf };
    });
    const norm = Math.sqrt(all.reduce((sum, t) => sum + t.weight * t.weight, 0)) || 1;
    return all
      .filter((t): t is QueryTerm => t.list !== undefined)
      .map((t) => ({ list: t.list, weight: t.weight / norm }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, queryTerms);
  }

  /** The query's terms that are scored: the heaviest, as far as the budget of postings goes. */
  function scored(features: TextFeatures): QueryTerm[] {
    let budget = postingBudget;
    return weighted(features).filter(({ list }) => {
      if (list.length > budget) return false;
      budget -= list.length;
      return true;
    });
  }

  /**
   * Whether every task holds every scored term once, with weights that leave each task's
   * score above 0 from the first term on: then tasks are scored in the order they were added,
   * as the term-by-term loop would first touch them.
   */
  function inEveryTask(terms: readonly QueryTerm[]): boolean {
    const first = terms[0];
    return (
      first !== undefined &&
      Math.fround(first.weight * first.list.min) > 0 &&
      terms.every(
        ({ list, weight }) =>
          list.length === tasks.length && !list.repeats && list.min >= 0 && weight >= 0,
      )
    );
  }

  function nearest(
    features: TextFeatures,
    { k = 20, exclude }: { k?: number; exclude?: string } = {},
  ): Neighbour[] {
    const terms = scored(features);
    const skip = exclude === undefined ? -1 : (docOf.get(exclude) ?? -1);
    const best = inEveryTask(terms) ? bestOfAll(terms, k, skip) : bestOfTouched(terms, k, skip);
    return best.map(({ doc, score }) => ({
      taskId: tasks[doc] as string,
      similarity: Math.min(1, score),
      outcomes: outcomes[doc] ?? [],
    }));
  }

  /** Scores term by term over the postings, then keeps the best `k` in the order first touched. */
  function bestOfTouched(terms: readonly QueryTerm[], k: number, skip: number): Scored[] {
    if (scores.length < tasks.length) {
      scores = new Float32Array(tasks.length * 2);
      touched = new Int32Array(tasks.length * 2);
    }
    let count = 0;
    for (const { list, weight } of terms) {
      for (let i = 0; i < list.length; i++) {
        const doc = list.docs[i] as number;
        if (scores[doc] === 0) touched[count++] = doc;
        scores[doc] = (scores[doc] as number) + weight * (list.weights[i] as number);
      }
    }
    const best: Scored[] = [];
    for (let t = 0; t < count; t++) {
      const doc = touched[t] as number;
      const score = scores[doc] as number;
      scores[doc] = 0;
      keep(best, k, doc, score, skip);
    }
    return best;
  }

  /**
   * The same when every task holds every term (see `inEveryTask`), scored task by task with
   * the same float32 sums, in the order added; it stops once the k-th best reaches the most any
   * task could score, since a later task that ties is not kept. Terms that every task has (a
   * template's words) would otherwise score the whole history on every query.
   */
  function bestOfAll(terms: readonly QueryTerm[], k: number, skip: number): Scored[] {
    let bound = 0;
    for (const { list, weight } of terms) bound = Math.fround(bound + weight * list.max);
    const best: Scored[] = [];
    for (let doc = 0; doc < tasks.length; doc++) {
      if (best.length === k && (best[k - 1]?.score ?? 0) >= bound) break;
      let score = 0;
      for (const { list, weight } of terms) {
        score = Math.fround(score + weight * (list.weights[doc] as number));
      }
      keep(best, k, doc, score, skip);
    }
    return best;
  }

  return {
    add,
    nearest,
    get size() {
      return tasks.length;
    },
  };
}
