import { createReviewedIndex } from '../../src/routing/reviewed-index.js';
import { shrunkBelief, similarEvidence } from '../../src/routing/similar-evidence.js';
import { textFeatures } from '../../src/routing/text-features.js';
import { type Dataset, outcomeOf } from './dataset.js';

/** How much a type's items' text tells of their outcomes, by production's neighbour estimate. */
export interface TextSignal {
  type: string;
  items: number;
  /**
   * The mean over models of the Brier score's improvement (%) of the neighbour estimate over
   * the type's solved rate: 0 says the text tells nothing, 100 that it tells everything.
   */
  brierGainPct: number;
}

/**
 * An upper bound on what ours with text can learn from the text, per task type: every other
 * item of the type reviewed without error by every model (far more than ours ever sees), each
 * item's chance per model estimated as production estimates it (its nearest neighbours by
 * text, shrunk toward the type's solved rate) and scored against its outcome. A gain near 0
 * says that no setting of the neighbour estimate can make text beat the type on this data.
 *
 * @example
 * textSignal(dataset); // [{ type: 'research', items: 1456, brierGainPct: 0.4 }, …]
 */
export function textSignal(dataset: Dataset): TextSignal[] {
  const types = [...new Set(dataset.items.map((item) => item.type))];
  return types.flatMap((type) => {
    const items = dataset.items.filter((item) => item.type === type && item.text !== null);
    if (items.length < 2) return [];
    const index = createReviewedIndex();
    const features = new Map(items.map((item) => [item.id, textFeatures(item.text ?? '')]));
    for (const item of items) {
      dataset.models.forEach((model, at) => {
        index.add({
          taskId: item.id,
          attempt: at + 1,
          model,
          taskType: type,
          approved: outcomeOf(dataset, model, item.id).resolved,
          at: 0,
          features: features.get(item.id) ?? { terms: [], weights: [] },
        });
      });
    }
    const gains = dataset.models.map((model) => {
      const solved = items.map((item) => (outcomeOf(dataset, model, item.id).resolved ? 1 : 0));
      const rate = solved.reduce((sum: number, s) => sum + s, 0) / items.length;
      let typeError = 0;
      let textError = 0;
      items.forEach((item, i) => {
        const truth = solved[i] as number;
        const neighbours = index.nearest(features.get(item.id) ?? { terms: [], weights: [] }, {
          exclude: item.id,
        });
        const evidence = similarEvidence(neighbours).models[model];
        const estimate = shrunkBelief({ mean: rate, weight: items.length }, evidence).mean;
        typeError += (truth - rate) ** 2;
        textError += (truth - estimate) ** 2;
      });
      return typeError > 0 ? (100 * (typeError - textError)) / typeError : 0;
    });
    const brierGainPct = gains.reduce((sum, g) => sum + g, 0) / gains.length;
    return [{ type, items: items.length, brierGainPct }];
  });
}
