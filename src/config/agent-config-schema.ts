import { z } from 'zod';
import { httpUrlSchema } from './http-url-schema.js';

/**
 * A per-model agent config (`~/agents/{model}/config.json`): how to reach one model. The key
 * may instead come from `<MODEL>_API_KEY`; files that hold one should be mode 600.
 *
 * @example
 * agentConfigSchema.parse({ provider: 'openai', api_key: 'sk-…', model_id: 'deepseek-chat' });
 */
export const agentConfigSchema = z.strictObject({
  provider: z.enum(['openai', 'anthropic']).optional(),
  api_key: z.string().min(1).optional(),
  api_url: httpUrlSchema.optional(),
  model_id: z.string().min(1).optional(),
  supports_tools: z.boolean().optional(),
  max_tokens: z.int({ error: 'expected a positive integer' }).min(1).optional(),
  temperature: z.number({ error: 'expected a number from 0 to 2' }).min(0).max(2).optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;
