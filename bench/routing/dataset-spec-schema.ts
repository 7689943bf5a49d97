import { z } from 'zod';
import { modelCatalog } from '../../agents/model-catalog.js';
import { complexitySchema, taskTypeSchema } from '../../machines/task-types.js';
import { costOptimizationSchema } from '../../src/config/config-file-schema.js';

const column = z.string().min(1);
const catalogIds = modelCatalog.map((m) => m.id);
const price = z.number({ error: 'expected a price in USD per million tokens' }).nonnegative();

/**
 * The role a dataset model plays in our configuration: one of the catalog's models (`catalog`),
 * or a model added by configuration (`added`, our id for it) with its tier and list prices.
 * `tools` marks it tool-capable (the default for an added model; a catalog model keeps its own).
 */
export const modelRoleSchema = z
  .strictObject({
    catalog: z.string().min(1).optional(),
    added: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, {
        error: 'expected an id of lower-case letters, digits, "." and "-"',
      })
      .optional(),
    tier: z.int({ error: 'expected an integer from 1 to 9' }).min(1).max(9).optional(),
    input_price_per_mtok: price.optional(),
    output_price_per_mtok: price.optional(),
    tools: z.boolean().optional(),
  })
  .superRefine((role, ctx) => {
    const issue = (message: string, path: string[] = []) =>
      ctx.addIssue({ code: 'custom', message, path, input: role });
    const prices = [role.tier, role.input_price_per_mtok, role.output_price_per_mtok];
    if ((role.catalog === undefined) === (role.added === undefined)) {
      issue(
        'expected exactly one of "catalog" (a catalog model) or "added" (added by configuration)',
      );
    } else if (role.catalog !== undefined) {
      if (!catalogIds.includes(role.catalog))
        issue(`expected one of the catalog's models (${catalogIds.join(', ')})`, ['catalog']);
      if (prices.some((value) => value !== undefined))
        issue('expected no tier or prices for a catalog model (the catalog has them)');
    } else {
      if (catalogIds.includes(role.added as string))
        issue('expected an id the catalog does not use', ['added']);
      if (prices.some((value) => value === undefined))
        issue('expected tier, input_price_per_mtok and output_price_per_mtok for an added model');
    }
  });
export type ModelRole = z.infer<typeof modelRoleSchema>;

/** Where the outcomes are: one row per item and model (`long`), or one per item (`wide`). */
const outcomesSchema = z.discriminatedUnion('layout', [
  z.strictObject({ layout: z.literal('long'), model: column, solved: column, cost: column }),
  z.strictObject({
    layout: z.literal('wide'),
    /** Column names with `{model}` standing for the dataset model's name. */
    solved: z.string().includes('{model}', { error: 'expected a column name holding {model}' }),
    cost: z.string().includes('{model}', { error: 'expected a column name holding {model}' }),
  }),
]);

/**
 * A perfect-detector cascade over dataset models with the figures its source publishes: the
 * bench recomputes it from the data as a check of the spec and the loader.
 */
const publishedFigureSchema = z.strictObject({
  models: z.array(z.string().min(1)).min(1),
  solved_pct: z.number(),
  cost_usd: z.number(),
});

/** What the dataset's README asks of ours at one reviewer error rate. */
const targetSchema = z.strictObject({
  error_rate: z.number().min(0).max(1),
  /** Ours solves at least as many as always-strongest for at most this share of its cost. */
  max_cost_share: z.number().positive(),
  /** Ours with text beats ours by type only, with a bootstrap interval excluding 0. */
  text_beats_type: z.boolean().default(false),
});

/**
 * A small file describing an outcome dataset: where its rows are, which columns hold the item
 * id, the task type (fixed, or mapped from a column), the text and a train/test split, the
 * outcomes, and the role each dataset model plays in our configuration.
 *
 * @example
 * datasetSpecSchema.safeParse(value).success; // value: a spec file's parsed contents
 */
export const datasetSpecSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Source and licence, printed with the figures. */
    credit: z.string().min(1),
    /** The CSV file, relative to the spec file. It is read in place, never copied. */
    file: z.string().min(1),
    item: column,
    /** Only rows whose column holds the given value are read. */
    keep: z.record(z.string(), z.string()).optional(),
    /** Every item's task type, or (`type_column`) the column it comes from and how. */
    type: taskTypeSchema.optional(),
    type_column: z
      .strictObject({ column, values: z.record(z.string(), taskTypeSchema) })
      .optional(),
    complexity: complexitySchema.default('moderate'),
    /** Our model the CTO recommends for every item (cost_aware routing moves from there). */
    recommends: z.string().min(1),
    text: column.optional(),
    /**
     * Where the task's own text starts: what follows the last occurrence of this string in the
     * text column (where it occurs). For prompts that repeat the same few-shot examples before
     * every question, so that what routing reads is the question.
     */
    text_after: z.string().min(1).optional(),
    split: z.strictObject({ column, train: z.string(), test: z.string() }).optional(),
    outcomes: outcomesSchema,
    /** Tokens one attempt is assumed to use before history: learned routing's prior price. */
    estimated_tokens_per_call: z.int().positive(),
    /**
     * What the user of this deployment sets to buy quality with its budget (learned routing's
     * `failure_weight` and `quality_spend_share`): ours runs with them; unset, the defaults.
     */
    quality: costOptimizationSchema
      .pick({ failure_weight: true, quality_spend_share: true })
      .optional(),
    models: z.record(z.string().min(1), modelRoleSchema),
    published: z.array(publishedFigureSchema).default([]),
    target: targetSchema,
  })
  .superRefine((spec, ctx) => {
    const ours = Object.values(spec.models).map((role) => role.catalog ?? role.added);
    const issue = (message: string, path: PropertyKey[]) =>
      ctx.addIssue({ code: 'custom', message, path, input: spec });
    if (ours.length < 2) issue('expected at least two models', ['models']);
    if ((spec.type === undefined) === (spec.type_column === undefined))
      issue('expected exactly one of "type" (every item\'s) or "type_column"', ['type']);
    const seen = new Set<string | undefined>();
    for (const [name, role] of Object.entries(spec.models)) {
      const id = role.catalog ?? role.added;
      if (seen.has(id))
        issue(`expected each of our models once; ${id} plays two`, ['models', name]);
      seen.add(id);
    }
    if (!ours.includes(spec.recommends))
      issue(`expected one of the spec's models (${ours.join(', ')})`, ['recommends']);
    for (const [index, figure] of spec.published.entries()) {
      const unknown = figure.models.find((model) => !(model in spec.models));
      if (unknown)
        issue(`expected models of the spec; "${unknown}" is not`, ['published', index, 'models']);
    }
  });
export type DatasetSpec = z.infer<typeof datasetSpecSchema>;

/**
 * Our id for the model a role stands for.
 *
 * @example
 * ourModelId({ catalog: 'opus' }); // 'opus'
 * ourModelId({ added: 'gpt-4', tier: 4, input_price_per_mtok: 10, output_price_per_mtok: 30 }); // 'gpt-4'
 */
export function ourModelId(role: ModelRole): string {
  return (role.catalog ?? role.added) as string;
}
