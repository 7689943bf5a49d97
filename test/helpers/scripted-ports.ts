import type {
  ClassifyCall,
  ClassifyResult,
  ExecuteCall,
  ExecuteResult,
  ModelPorts,
  ReviewCall,
  ReviewResult,
} from '../../src/runtime/model-ports.js';

export interface Script {
  classify?: (call: ClassifyCall) => ClassifyResult | Promise<ClassifyResult>;
  execute?: (call: ExecuteCall) => ExecuteResult | Promise<ExecuteResult>;
  review?: (call: ReviewCall) => ReviewResult | Promise<ReviewResult>;
}

export interface CallRecord {
  kind: 'classify' | 'execute' | 'review';
  requestId: string;
  model: string;
}

const usage = { inputTokens: 100, outputTokens: 50 };

/** Model ports answering from a script, recording every call made. */
export function scriptedPorts(script: Script = {}): ModelPorts & { calls: CallRecord[] } {
  const calls: CallRecord[] = [];
  const record = (kind: CallRecord['kind'], call: { requestId: string; model: { id: string } }) =>
    calls.push({ kind, requestId: call.requestId, model: call.model.id });
  return {
    calls,
    async classify(call) {
      record('classify', call);
      return (
        (await script.classify?.(call)) ?? {
          classification: {
            complexity: 'simple',
            type: 'coding',
            model: 'sonnet',
            reason: 'scripted',
          },
          usage,
        }
      );
    },
    async execute(call) {
      record('execute', call);
      return (
        (await script.execute?.(call)) ?? {
          output: `work of ${call.model.id} on ${call.task.description}`,
          usage,
        }
      );
    },
    async review(call) {
      record('review', call);
      return (
        (await script.review?.(call)) ?? { verdict: 'approve', quality: 8, feedback: 'good', usage }
      );
    },
  };
}
