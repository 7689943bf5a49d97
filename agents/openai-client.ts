import OpenAI from 'openai';
import { isLoopbackUrl } from '../src/config/missing-key.js';
import { apiKeyVariable, type ResolvedModel } from '../src/config/resolved-model.js';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { idleTimeoutFetch } from './idle-timeout-fetch.js';

/**
 * An OpenAI SDK client for one model's endpoint. The SDK's own retries are off: the worker
 * actor retries with backoff and counts failures toward cooldown, and the call's signal
 * (cancel or timeout) ends a request; with `idleMs`, so does a provider silent that long.
 *
 * @example
 * const client = openAiClientFor(model);
 * await client.chat.completions.create({ model: model.model_id, messages }, { signal });
 */
export function openAiClientFor(model: ResolvedModel, options: { idleMs?: number } = {}): OpenAI {
  if (!model.api_url) {
    throw new ModelCallError(model.unusable_reason ?? `${model.id} has no api_url`, {
      transient: false,
      infrastructure: true,
    });
  }
  // A provider is never sent a made-up key: a model without one fails here, saying what to set.
  // Only a server on this machine, which often needs none, is called without.
  const key = model.api_key?.reveal() ?? null;
  if (key === null && !isLoopbackUrl(model.api_url)) {
    throw new ModelCallError(`${model.id}: ${missingKeyText(model)}`, {
      transient: false,
      infrastructure: true,
    });
  }
  return new OpenAI({
    baseURL: model.api_url,
    // The SDK wants a key even when none is sent: without one, no Authorization header goes.
    apiKey: key ?? 'none',
    ...(key === null ? { defaultHeaders: { Authorization: null } } : {}),
    maxRetries: 0,
    ...(options.idleMs ? { fetch: idleTimeoutFetch(options.idleMs) } : {}),
    timeout: 24 * 60 * 60 * 1000,
  });
}

function missingKeyText(model: ResolvedModel): string {
  return `no API key: set ${apiKeyVariable(model.id)} or api_key in ${model.agent_config_path}`;
}
