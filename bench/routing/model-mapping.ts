/**
 * Our model ids (the built-in catalog, plus `gpt-5-mini` added by the bench's configuration)
 * and the dataset model whose runs stand for each. haiku is left out: the dataset has no
 * Claude Haiku, so the bench disables it.
 */
export const datasetModelOf: Readonly<Record<string, string>> = {
  opus: 'claude-opus-4-5-20251101',
  sonnet: 'claude-sonnet-4-5-20250929',
  deepseek: 'deepseek-v3.2-reasoner',
  minimax: 'minimax-m2',
  kimi: 'Kimi-K2-Instruct',
  glm: 'glm-4.6',
  gemini: 'gemini-3-pro-preview',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
};

/** Our models with data in the dataset. */
export const benchModels: readonly string[] = Object.keys(datasetModelOf);

/** The model every task of "always strongest" runs on. */
export const strongestModel = 'opus';

/** The model every task of "always cheapest" runs on (the lowest total $ in the dataset). */
export const cheapestModel = 'deepseek';

/**
 * The dataset model that stands for one of ours; throws for a model with no data.
 *
 * @example
 * datasetModel('deepseek'); // 'deepseek-v3.2-reasoner'
 */
export function datasetModel(model: string): string {
  const id = datasetModelOf[model];
  if (!id) throw new Error(`${model} has no data in the routing dataset`);
  return id;
}
