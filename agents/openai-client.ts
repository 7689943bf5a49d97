import OpenAI from 'openai';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import { ModelCallError } from '../src/runtime/model-ports.js';

/**
 * An OpenAI SDK client for one model's endpoint. The SDK's own retries are off: the worker
 * actor retries with backoff and counts failures toward cooldown, and the call's signal
 * (cancel or timeout) ends a request.
 *
 * @example
 * const client = openAiClientFor(model);
 * await client.chat.completions.create({ model: model.model_id, messages }, { signal });
 */
export function openAiClientFor(model: ResolvedModel): OpenAI {
  if (!model.api_url) {
    throw new ModelCallError(model.unusable_reason ?? `${model.id} has no api_url`, {
      transient: false,
    });
  }
  return new OpenAI({
    baseURL: model.api_url,
    // Local OpenAI-compatible servers often need no key; the SDK insists on one.
    apiKey: model.api_key?.reveal() ?? 'no-key',
    maxRetries: 0,
    timeout: 24 * 60 * 60 * 1000,
  });
}
