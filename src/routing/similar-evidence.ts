import type { Neighbour } from './reviewed-index.js';

/** What reviewed tasks that read like this one showed of one model. */
export interface ModelEvidence {
  /** Similar tasks where its work was approved, and where it was rejected. */
  approved: number;
  rejected: number;
  /** Its attempts on them, each counted by its task's similarity: how much they weigh. */
  weight: number;
  /** The approved ones among them, counted the same way. */
  weightedApprovals: number;
}

/** What the similar reviewed tasks showed, per model. */
export interface SimilarEvidence {
  /** Similar tasks counted (those at least `minSimilarity` alike). */
  tasks: number;
  models: Readonly<Record<string, ModelEvidence>>;
}

/** Below this cosine a reviewed task is not taken as reading like this one. */
export const minSimilarity = 0.1;

/**
 * How much the type-level estimate weighs against similar tasks, in attempts at similarity 1:
 * ten close neighbours move the estimate half-way, a few far ones barely at all. (At 3, the
 * neighbours' noise made ours with text worse than by type on RouterBench at p = 0.1.)
 */
export const typeStrength = 10;

/**
 * The evidence of the neighbours at least `minSimilarity` alike: per model, approvals and
 * rejections, and both weighted by similarity.
 *
 * @example
 * similarEvidence(index.nearest(features)); // { tasks: 4, models: { deepseek: { approved: 3, rejected: 1, weight: 1.9, weightedApprovals: 1.5 } } }
 */
export function similarEvidence(neighbours: readonly Neighbour[]): SimilarEvidence {
  const models: Record<string, ModelEvidence> = {};
  let tasks = 0;
  for (const { similarity, outcomes } of neighbours) {
    if (similarity < minSimilarity) continue;
    tasks += 1;
    for (const { model, approved } of outcomes) {
      const seen = models[model] ?? { approved: 0, rejected: 0, weight: 0, weightedApprovals: 0 };
      models[model] = seen;
      if (approved) seen.approved += 1;
      else seen.rejected += 1;
      seen.weight += similarity;
      if (approved) seen.weightedApprovals += similarity;
    }
  }
  return { tasks, models };
}

/**
 * A type-level belief (its mean and the observations it rests on) moved toward what similar
 * tasks showed: their similarity-weighted approvals added to `typeStrength` pseudo-attempts at
 * the type's mean. No evidence leaves the belief as it is.
 *
 * @example
 * shrunkBelief({ mean: 0.5, weight: 40 }, { approved: 8, rejected: 0, weight: 6, weightedApprovals: 6 }); // { mean: 0.69, weight: 46 }
 */
export function shrunkBelief(
  belief: { mean: number; weight: number },
  evidence: ModelEvidence | undefined,
): { mean: number; weight: number } {
  if (!evidence || evidence.weight === 0) return belief;
  return {
    mean:
      (typeStrength * belief.mean + evidence.weightedApprovals) / (typeStrength + evidence.weight),
    weight: belief.weight + evidence.weight,
  };
}

/**
 * The evidence in words, models with most similar tasks first.
 *
 * @example
 * describeSimilar(evidence); // '3 similar tasks approved on deepseek, 1 rejected; 2 similar tasks rejected on kimi'
 */
export function describeSimilar(evidence: SimilarEvidence): string {
  const plural = (n: number) => `${n} similar task${n === 1 ? '' : 's'}`;
  return Object.entries(evidence.models)
    .sort(
      ([a, x], [b, y]) => y.approved + y.rejected - (x.approved + x.rejected) || a.localeCompare(b),
    )
    .map(([model, { approved, rejected }]) =>
      approved > 0
        ? `${plural(approved)} approved on ${model}${rejected > 0 ? `, ${rejected} rejected` : ''}`
        : `${plural(rejected)} rejected on ${model}`,
    )
    .join('; ');
}
