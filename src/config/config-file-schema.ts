import { z } from 'zod';
import { httpUrlSchema } from './http-url-schema.js';
import { sandboxSettingsSchema } from './sandbox-settings-schema.js';
import { taskSourcesSchema } from './task-sources-schema.js';

// One schema for the configuration file, in the original's format (snake_case, every field
// optional). Objects are strict so that a key nothing reads (a typo) is reported, not ignored.

const nonNegativeInteger = z.int({ error: 'expected a non-negative integer' }).min(0, {
  error: 'expected a non-negative integer',
});

/** A number from `low` to `high`, inclusive; out of range, one line naming the range. */
const numberFrom = (low: number, high: number, what = 'a number') => {
  const error = `expected ${what} from ${low} to ${high}`;
  return z.number({ error }).min(low, { error }).max(high, { error });
};

/** Extension: calls at once to one model; more wait in its worker's mailbox. */
const maxConcurrency = z
  .int({ error: 'expected an integer from 1 to 1000' })
  .min(1)
  .max(1000)
  .optional();

export const claudeModelSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  max_concurrency: maxConcurrency,
});

export const externalModelSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  has_tools: z.boolean().optional(),
  max_concurrency: maxConcurrency,
});

/** Where a model added by configuration is reached, and what the catalog would otherwise say. */
export const providerEndpointSchema = z.strictObject({
  api_url: httpUrlSchema.optional(),
  model_id: z.string().min(1).optional(),
  config_path: z.string().min(1).optional(),
  // Extensions of the original format, so that a model added by configuration can be priced
  // and placed on the escalation ladder like a built-in one.
  tier: z.int({ error: 'expected an integer from 1 to 9' }).min(1).max(9).optional(),
  input_price_per_mtok: z.number().nonnegative().optional(),
  output_price_per_mtok: z.number().nonnegative().optional(),
  context_window: z.int().positive().optional(),
});

/** Extension: one model's own daily caps, besides its group's token budget. */
export const modelBudgetSchema = z.strictObject({
  tokens: nonNegativeInteger.optional(),
  usd: z.number({ error: 'expected a non-negative number' }).nonnegative().optional(),
});

export const costOptimizationSchema = z.strictObject({
  enabled: z.boolean().optional(),
  prefer_external_for_routine: z.boolean().optional(),
  preserve_claude_tokens: z.boolean().optional(),
  token_budget_per_day: z
    .strictObject({
      claude: nonNegativeInteger.optional(),
      external: nonNegativeInteger.optional(),
    })
    .optional(),
  // Extensions of the original format.
  /** Daily caps per model in tokens and dollars. */
  model_budget_per_day: z.record(z.string(), modelBudgetSchema).optional(),
  /** When every model that could take a task is over budget: wait for the next window, or block. */
  when_over_budget: z.enum(['wait', 'block']).optional(),
  /** The budget day's offset from UTC (`+02:00`): windows are UTC days unless set. */
  budget_utc_offset: z
    .string()
    .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, { error: 'expected an offset such as "+02:00"' })
    .optional(),
  /** Tokens a call is assumed to use before its model has history: what is reserved. */
  estimated_tokens_per_call: z.int({ error: 'expected a positive integer' }).min(1).optional(),
  /**
   * How `cost_aware` picks among the models a task may move to: `learned` (lowest expected cost
   * to an approved result, from history) or `rotation` (the original: favour little history).
   */
  routing: z.enum(['learned', 'rotation']).optional(),
  /** Share of non-critical tasks `learned` routing gives to the least-known model, to learn. */
  exploration_share: numberFrom(0, 0.5).optional(),
  /**
   * How often the reviewer's verdict is wrong: learned routing reads observed approvals through
   * it and prices the failures a wrong approval ships. Below 0.4, where a verdict still informs.
   */
  reviewer_error_rate: numberFrom(0, 0.4).optional(),
  /**
   * What a task that ends unsolved (blocked, or a failure the reviewer wrongly approved) costs,
   * in multiples of finishing it on the strongest model: 1 prices it as work still to do; more
   * makes learned routing buy likelier-right tries, up to `quality_spend_share`.
   */
  failure_weight: numberFrom(1, 1000).optional(),
  /**
   * How much `failure_weight` may spend: it applies while a task type's mean spend per task is
   * below this share of a try on the strongest model, and failures are priced at 1× above it.
   */
  quality_spend_share: z
    .number({ error: 'expected a number above 0, at most 1' })
    .gt(0, { error: 'expected a number above 0, at most 1' })
    .max(1, { error: 'expected a number above 0, at most 1' })
    .optional(),
});
export type CostOptimization = z.infer<typeof costOptimizationSchema>;

/** Extension: how Claude models are run through the Claude Code CLI. */
export const claudeCodeSettingsSchema = z.strictObject({
  /** The `claude` executable; by default the one on PATH, else node_modules/.bin/claude. */
  command: z.string().min(1).optional(),
  /** Claude Code tools a worker session may use without asking (`--allowedTools`). */
  allowed_tools: z.array(z.string().min(1)).optional(),
  /** `--permission-mode`; bypass modes are refused when running as root. */
  permission_mode: z.enum(['acceptEdits', 'auto', 'default', 'dontAsk', 'plan']).optional(),
});

const seconds = (low: number, high: number) => numberFrom(low, high, 'seconds');

/**
 * Extension: how long things may take. A provider silent for `idle_seconds` (no byte of its
 * answer), or the Claude Code CLI silent for `claude_code_idle_seconds` while no tool of its
 * runs, is given up on and retried like a 5xx; each call has its whole-call limit besides;
 * `cto serve` waits `stop_grace_seconds` for the work under way after a stop signal.
 */
export const timeoutsSchema = z.strictObject({
  idle_seconds: seconds(1, 3_600).optional(),
  claude_code_idle_seconds: seconds(1, 3_600).optional(),
  classify_seconds: seconds(1, 86_400).optional(),
  execute_seconds: seconds(1, 86_400).optional(),
  review_seconds: seconds(1, 86_400).optional(),
  stop_grace_seconds: seconds(0, 86_400).optional(),
});

export const selectionStrategySchema = z.enum(['cost_aware', 'quality', 'balanced']);
export type SelectionStrategy = z.infer<typeof selectionStrategySchema>;

/**
 * The configuration file, as SPEC §2 shows it. Every field is optional: what a file leaves out
 * comes from the defaults.
 *
 * @example
 * configFileSchema.parse({ cto_model: 'sonnet', cost_optimization: { enabled: false } });
 */
export const configFileSchema = z.strictObject({
  cto_model: z.string().min(1).optional(),
  model_selection_strategy: selectionStrategySchema.optional(),
  worker_models: z
    .strictObject({
      claude: z.record(z.string(), claudeModelSettingsSchema).optional(),
      external: z.record(z.string(), externalModelSettingsSchema).optional(),
    })
    .optional(),
  fallback_chain: z.record(z.string(), z.array(z.string())).optional(),
  provider_endpoints: z.record(z.string(), providerEndpointSchema).optional(),
  cost_optimization: costOptimizationSchema.optional(),
  /** Extension: failed attempts (executions or rejected reviews) before a task is blocked. */
  max_attempts: z
    .int({ error: 'expected a positive integer' })
    .min(1, {
      error: 'expected a positive integer',
    })
    .optional(),
  /** Extension: model turns one execution may take (Claude Code's --max-turns, the tool loop's limit). */
  max_turns: z
    .int({ error: 'expected an integer from 1 to 500' })
    .min(1, { error: 'expected an integer from 1 to 500' })
    .max(500, { error: 'expected an integer from 1 to 500' })
    .optional(),
  claude_code: claudeCodeSettingsSchema.optional(),
  /** Extension: how the operating system confines the processes of a model's tools. */
  sandbox: sandboxSettingsSchema.optional(),
  /** Extension: where tasks come from besides the CLI and the library (a Plane workspace). */
  task_sources: taskSourcesSchema.optional(),
  timeouts: timeoutsSchema.optional(),
});
export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderEndpoint = z.infer<typeof providerEndpointSchema>;
export type ModelBudget = z.infer<typeof modelBudgetSchema>;
