import type OpenAI from 'openai';
import type {
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import { ModelCallError, type ReportedUsage } from '../src/runtime/model-ports.js';
import { providerError } from './provider-error.js';

export interface ChatTurn {
  message: ChatCompletionMessage;
  usage: ReportedUsage;
}

/**
 * One chat-completions request to a model, checked: a reply without a message is a transient
 * failure (a proxy's error page, a truncated body), and every SDK error is mapped to a
 * `ModelCallError` that says whether to retry.
 *
 * @example
 * const { message, usage } = await chatOnce(client, model, messages, { signal });
 */
export async function chatOnce(
  client: OpenAI,
  model: ResolvedModel,
  messages: ChatCompletionMessageParam[],
  options: { signal: AbortSignal; tools?: ChatCompletionTool[] },
): Promise<ChatTurn> {
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await client.chat.completions.create(
      {
        model: model.model_id,
        messages,
        ...(options.tools?.length ? { tools: options.tools } : {}),
        ...(model.max_tokens !== null ? { max_tokens: model.max_tokens } : {}),
        ...(model.temperature !== null ? { temperature: model.temperature } : {}),
      },
      { signal: options.signal },
    );
  } catch (error) {
    throw providerError(error, model.id);
  }
  const message = completion?.choices?.[0]?.message;
  if (!message || typeof message !== 'object') {
    throw new ModelCallError(`${model.id}: the reply has no message`, { transient: true });
  }
  return {
    message,
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
  };
}

/** Usage of several turns added up. */
export function addUsage(a: ReportedUsage, b: ReportedUsage): ReportedUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
}
