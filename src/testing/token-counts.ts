import type { RecordedRequest } from './recorded-request.js';
import type { ScriptedUsage } from './scripted-reply.js';

/** Input and output tokens of one reply. */
export interface TokenCounts {
  input: number;
  output: number;
}

/**
 * A plausible token count for a text: about four characters a token, at least one.
 *
 * @example
 * estimateTokens('hello world!'); // 3
 */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * The tokens a reply reports: the scripted counts where given, else estimates from the
 * request body and the reply's own text, so that cost accounting sees non-zero usage.
 *
 * @example
 * tokenCounts({ prompt_tokens: 12 }, request, 'hello world!'); // { input: 12, output: 3 }
 */
export function tokenCounts(
  usage: ScriptedUsage | undefined,
  request: RecordedRequest,
  output: string,
): TokenCounts {
  // Both shapes of the scripted usage fit this one, whichever provider's words a test used.
  const given: Partial<
    Record<'input_tokens' | 'output_tokens' | 'prompt_tokens' | 'completion_tokens', number>
  > = usage ?? {};
  return {
    input:
      given.input_tokens ?? given.prompt_tokens ?? estimateTokens(JSON.stringify(request.body)),
    output: given.output_tokens ?? given.completion_tokens ?? estimateTokens(output),
  };
}
