import type { Classification } from '../../machines/task-types.js';
import type { Item } from './dataset.js';
import type { DatasetSpec } from './dataset-spec-schema.js';

/**
 * How the CTO classifies an item in the replay: its type from the data, the spec's complexity
 * and recommended model (the CTO's own calls are not in the data, so they are not replayed).
 *
 * @example
 * itemClassification(spec, { id: 'a', type: 'research', text: '…', split: null });
 * // { type: 'research', complexity: 'moderate', model: 'gpt-4', reason: '…', source: 'cto' }
 */
export function itemClassification(spec: DatasetSpec, item: Item): Classification {
  return {
    type: item.type,
    complexity: spec.complexity,
    model: spec.recommends,
    reason: `${spec.complexity} ${item.type} (the spec's classification of ${spec.name})`,
    source: 'cto',
  };
}
