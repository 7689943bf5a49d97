import { catalogEntry } from '../../agents/model-catalog.js';
import { hasTools } from '../../agents/model-entry.js';
import { type DatasetSpec, ourModelId } from './dataset-spec-schema.js';

/** One of our models in a bench configuration, and the dataset model whose runs stand for it. */
export interface BenchModel {
  id: string;
  datasetModel: string;
  group: 'claude' | 'external';
  tier: number;
  /** Input plus output list price per Mtok: what the ladders are ordered by. */
  price: number;
  inputPrice: number;
  outputPrice: number;
  tools: boolean;
  /** Added by configuration (not in the catalog). */
  added: boolean;
}

/**
 * Our models as a spec casts them: a catalog model keeps the catalog's group, tier and prices
 * (and its tools unless the spec says); a model added by configuration is external, with the
 * spec's tier and prices, tool-capable unless the spec says not.
 *
 * @example
 * benchModels(spec).find((m) => m.id === 'gpt-5-mini'); // { tier: 2, price: 2.25, added: true, … }
 */
export function benchModels(spec: DatasetSpec): BenchModel[] {
  return Object.entries(spec.models).map(([datasetModel, role]) => {
    const id = ourModelId(role);
    const entry = role.catalog ? catalogEntry(role.catalog) : undefined;
    const inputPrice = entry?.input_price_per_mtok ?? role.input_price_per_mtok ?? 0;
    const outputPrice = entry?.output_price_per_mtok ?? role.output_price_per_mtok ?? 0;
    return {
      id,
      datasetModel,
      group: entry?.group ?? 'external',
      tier: entry?.tier ?? role.tier ?? 1,
      price: inputPrice + outputPrice,
      inputPrice,
      outputPrice,
      tools: role.tools ?? (entry ? hasTools(entry) : true),
      added: !entry,
    };
  });
}
