import { z } from 'zod';

/** How a model is reached: the Claude Code CLI, an OpenAI-compatible API with tools, or text only. */
export const modelKindSchema = z.enum(['claude-code', 'openai-tools', 'text-only']);
export type ModelKind = z.infer<typeof modelKindSchema>;

/** The provider group a daily token budget applies to. */
export const modelGroupSchema = z.enum(['claude', 'external']);
export type ModelGroup = z.infer<typeof modelGroupSchema>;

/**
 * What the orchestrator knows about one model before any configuration: the built-in catalog
 * holds eight of these, and a model added by configuration gets one built from its settings.
 */
export const modelEntrySchema = z.object({
  id: z.string().min(1),
  group: modelGroupSchema,
  kind: modelKindSchema,
  /** Capability tier: escalation only ever moves to an equal or higher tier. */
  tier: z.int().min(1).max(9),
  /** What the model is good at, as the CTO is told when it classifies. */
  strengths: z.array(z.string()),
  /** US dollars per million tokens; null when unknown (a model added without prices). */
  input_price_per_mtok: z.number().nonnegative().nullable(),
  output_price_per_mtok: z.number().nonnegative().nullable(),
  /** Where the prices were read, so they can be checked and updated. */
  price_source: z.string(),
  context_window: z.int().positive().nullable(),
  /** OpenAI-compatible base URL; null for models run through the Claude Code CLI. */
  api_url: z.url().nullable(),
  /** The provider's model name, sent as `model` (or `--model` to the CLI). */
  model_id: z.string().min(1),
  enabled_by_default: z.boolean(),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** True when the model can run tools (files, commands) and not only answer in text. */
export function hasTools(model: Pick<ModelEntry, 'kind'>): boolean {
  return model.kind !== 'text-only';
}
