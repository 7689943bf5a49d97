import type { PendingRequest } from '../../machines/task-events.js';
import type { PerformanceRow } from '../store/performance-row.js';
import { historyOf } from './model-history.js';
import type { RoutingModel } from './routing-view.js';

/** What a CTO call is assumed to write, besides reading its prompt. */
const ctoAnswerTokens = 2_000;
/** A call's tokens are assumed to be this share input (the prompt and tool results dominate). */
const inputShare = 0.8;

export interface CallEstimate {
  tokens: number;
  usd: number;
}

/**
 * What a call is assumed to use before it runs: what its budget reservation sets aside and
 * what learned routing prices an untried model at. An execution is assumed to take as much as
 * the most this model has used on this task type, else `defaultTokens`; a CTO call its prompt
 * (about 4 characters a token) plus the answer. Dollars follow from the model's prices (an
 * unpriced model costs 0 here: only its tokens can be capped).
 *
 * @example
 * estimateCall({ kind: 'execute', model, taskType: 'coding', history, defaultTokens: 20_000, promptChars: 300 });
 * // { tokens: 20000, usd: 0.0096 }
 */
export function estimateCall(input: {
  kind: PendingRequest['kind'];
  model: Pick<RoutingModel, 'id' | 'inputPrice' | 'outputPrice'>;
  taskType: string | null;
  history: readonly PerformanceRow[];
  defaultTokens: number;
  /** Characters of the prompt (the task, and for a review the output under review). */
  promptChars: number;
}): CallEstimate {
  const { kind, model, taskType, history } = input;
  const seen = taskType === null ? 0 : historyOf(history, model.id, taskType).maxCallTokens;
  const tokens =
    kind === 'execute'
      ? seen || input.defaultTokens
      : Math.ceil(input.promptChars / 4) + ctoAnswerTokens;
  const usd =
    (tokens * inputShare * (model.inputPrice ?? 0) +
      tokens * (1 - inputShare) * (model.outputPrice ?? 0)) /
    1_000_000;
  return { tokens, usd };
}
