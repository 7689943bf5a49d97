import type OpenAI from 'openai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import {
  type ExecuteCall,
  type ExecuteResult,
  ModelCallError,
  type ReportedUsage,
  reportedUsageSchema,
} from '../src/runtime/model-ports.js';
import { addUsage, chatOnce } from './openai-chat.js';
import { firstLine } from './short-text.js';
import { workerPrompt, workerSystemPrompt } from './worker-prompt.js';

/** What runs the tools a model calls; `run` answers every call, refusals included, in text. */
export interface ToolRunner {
  definitions: ChatCompletionTool[];
  run(
    name: string,
    rawArguments: string,
    signal?: AbortSignal,
  ): Promise<{ ok: boolean; output: string }>;
}

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

type FunctionToolCall = z.infer<typeof toolCallSchema>;

// The journal of a tool loop: every model turn, and each tool call's start and end.
export const turnEntry = z.object({
  message: z.object({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    tool_calls: z.array(toolCallSchema).optional(),
  }),
  usage: reportedUsageSchema,
});
// A tool call is known by its turn and position: models do not always give unique ids.
export const toolStartedEntry = z.object({ key: z.string(), name: z.string() });
export const toolFinishedEntry = z.object({ key: z.string(), ok: z.boolean(), output: z.string() });

/** The result a model sees for a call that started before a crash and may or may not have run. */
export const interruptedToolResult =
  'interrupted: this tool call started before the worker was interrupted, and whether it ' +
  'completed is unknown. Check the current state before repeating it.';

function entryData<T extends z.ZodType>(schema: T, data: unknown, kind: string): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ModelCallError(`the step journal has an unreadable ${kind} entry`, {
    transient: false,
  });
}

/** What a reply may be assumed to write when the model sets no `max_tokens`. */
const assumedReplyTokens = 4_096;

/** A turn's tokens before it is sent: its messages and tools (about 4 characters a token) and a reply. */
function turnEstimate(
  messages: readonly ChatCompletionMessageParam[],
  tools: ToolRunner,
  model: ResolvedModel,
): number {
  const chars = JSON.stringify(messages).length + JSON.stringify(tools.definitions).length;
  return Math.ceil(chars / 4) + (model.max_tokens ?? assumedReplyTokens);
}

/**
 * Runs a task on a tool-calling model: chat completions with the tool definitions until the
 * model answers without calling a tool, or the turn limit. Every model turn and each tool
 * call's start and result is journaled before the loop goes on, so a resumed step continues
 * where it stopped: a finished tool call is never run again, and one that started but did not
 * finish is reported to the model as interrupted.
 *
 * @example
 * const result = await runToolLoop({ client, model, call, tools: createToolWorker({ root, modelId }), maxTurns: 30 });
 */
export async function runToolLoop({
  client,
  model,
  call,
  tools,
  maxTurns,
}: {
  client: OpenAI;
  model: ResolvedModel;
  call: ExecuteCall;
  tools: ToolRunner;
  maxTurns: number;
}): Promise<ExecuteResult> {
  const { journal, signal } = call;
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: workerSystemPrompt },
    { role: 'user', content: workerPrompt(call) },
  ];
  let usage: ReportedUsage = { inputTokens: 0, outputTokens: 0 };
  const { allowance } = call;
  let lastTurnTokens = 0;
  const started = new Set<string>();
  const finished = new Map<string, string>();
  const turns: z.infer<typeof turnEntry>[] = [];
  for (const entry of journal.entries) {
    if (entry.kind === 'turn') turns.push(entryData(turnEntry, entry.data, entry.kind));
    if (entry.kind === 'tool-started')
      started.add(entryData(toolStartedEntry, entry.data, entry.kind).key);
    if (entry.kind === 'tool-finished') {
      const done = entryData(toolFinishedEntry, entry.data, entry.kind);
      finished.set(done.key, done.output);
    }
  }

  const settle = async (turn: number, toolCalls: readonly FunctionToolCall[]) => {
    for (const [index, toolCall] of toolCalls.entries()) {
      const key = `${turn}.${index}`;
      let output = finished.get(key);
      if (output === undefined) {
        if (started.has(key)) {
          output = interruptedToolResult;
          await journal.append('tool-finished', { key, ok: false, output });
        } else {
          const { name, arguments: args } = toolCall.function;
          await journal.append('tool-started', { key, name });
          call.progress(`${name} ${firstLine(args)}`);
          const result = await tools.run(name, args, signal);
          call.progress(`${name} ${result.ok ? 'ok' : 'failed'}: ${firstLine(result.output)}`);
          output = result.output;
          await journal.append('tool-finished', { key, ok: result.ok, output });
        }
        finished.set(key, output);
      }
      messages.push({ role: 'tool', tool_call_id: toolCall.id, content: output });
    }
  };

  // Replay what the journal holds, then go on live.
  for (const [n, turn] of turns.entries()) {
    usage = addUsage(usage, turn.usage);
    lastTurnTokens = turn.usage.inputTokens + turn.usage.outputTokens;
    allowance?.spend(lastTurnTokens);
    messages.push(turn.message);
    if (!turn.message.tool_calls?.length) return { output: turn.message.content ?? '', usage };
    await settle(n, turn.message.tool_calls);
  }
  for (let n = turns.length; n < maxTurns; n += 1) {
    if (signal.aborted) throw new ModelCallError('execute aborted', { transient: false });
    // The next turn reads everything so far: at least what the last one used.
    const need = Math.max(lastTurnTokens, turnEstimate(messages, tools, model));
    if (allowance && !(await allowance.cover(need))) {
      throw new ModelCallError(
        `${allowance.refusal ?? 'over budget'}; stopped after ${n} turn(s), before the next`,
        { transient: false, infrastructure: true, usage },
      );
    }
    const turn = await chatOnce(client, model, messages, { signal, tools: tools.definitions });
    usage = addUsage(usage, turn.usage);
    lastTurnTokens = turn.usage.inputTokens + turn.usage.outputTokens;
    allowance?.spend(lastTurnTokens);
    const toolCalls: FunctionToolCall[] = (turn.message.tool_calls ?? []).flatMap((c, i) =>
      c.type === 'function'
        ? [
            {
              id: c.id || `call_${n}_${i}`,
              type: 'function' as const,
              function: { name: c.function.name, arguments: c.function.arguments },
            },
          ]
        : [],
    );
    const message = {
      role: 'assistant' as const,
      content: turn.message.content ?? null,
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
    await journal.append('turn', { message, usage: turn.usage });
    messages.push(message);
    if (!toolCalls.length) return { output: message.content ?? '', usage };
    await settle(n, toolCalls);
  }
  throw new ModelCallError(`${model.id} was still calling tools after ${maxTurns} turns`, {
    transient: false,
    usage,
  });
}
