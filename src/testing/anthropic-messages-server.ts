import { z } from 'zod';
import { argumentsText, type ScriptedContent } from './scripted-reply.js';
import {
  type ScriptedServer,
  type ScriptedServerOptions,
  startScriptedServer,
} from './start-scripted-server.js';
import { streamPieces } from './stream-pieces.js';
import { estimateTokens, tokenCounts } from './token-counts.js';
import type { ModelRequest, ProviderErrorKind, WireProtocol } from './wire-protocol.js';

const messagesRequestSchema = z.looseObject({ stream: z.boolean().nullish() });

const errorTypes: Record<ProviderErrorKind, string> = {
  rate_limit: 'rate_limit_error',
  server_error: 'api_error',
  not_found: 'not_found_error',
  invalid_request: 'invalid_request_error',
};

/** The model families Claude Code accepts as `--model` aliases and expands to full ids. */
const claudeAliases = new Set(['sonnet', 'opus', 'haiku']);

/**
 * Whether a script named `name` answers a request for `model`: the same id, or a Claude Code
 * alias and an id of its family. Claude Code sends full ids for aliases (2.1.197:
 * `sonnet` → `claude-sonnet-5`, `opus` → `claude-opus-4-8`, `haiku` →
 * `claude-haiku-4-5-20251001`, `sonnet[1m]` → `claude-sonnet-5`), which change between
 * releases; a test scripts the name it passed to `--model`.
 *
 * @example
 * matchesClaudeModel('sonnet', 'claude-sonnet-5'); // true
 * matchesClaudeModel('sonnet', 'claude-haiku-4-5-20251001'); // false
 */
export function matchesClaudeModel(name: string, model: string): boolean {
  if (name === model) return true;
  // `sonnet[1m]` asks for a larger context window of the same family.
  const family = name.replace(/\[[^\]]*\]$/, '');
  return claudeAliases.has(family) && model.startsWith(`claude-${family}-`);
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** A tool input as the script gives it; arguments that are not a JSON object go as they are. */
function toolInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function render(content: ScriptedContent, request: ModelRequest, sequence: number) {
  const calls = ('toolCalls' in content ? content.toolCalls : []).map((call, index) => ({
    id: call.id ?? `toolu_test_${sequence}_${index}`,
    name: call.name,
    arguments: argumentsText(call),
  }));
  const { text } = content;
  const tokens = tokenCounts(
    content.usage,
    request,
    (text ?? '') + calls.map((call) => call.name + call.arguments).join(''),
  );
  const usage = {
    input_tokens: tokens.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: tokens.output,
  };
  const stopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  const message = {
    id: `msg_test_${sequence}`,
    type: 'message',
    role: 'assistant',
    model: request.model,
  };
  if (!messagesRequestSchema.safeParse(request.body).data?.stream) {
    return JSON.stringify({
      ...message,
      content: [
        ...(text === undefined ? [] : [{ type: 'text', text }]),
        ...calls.map((call) => ({
          type: 'tool_use',
          id: call.id,
          name: call.name,
          input: toolInput(call.arguments),
        })),
      ],
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
  }
  const blocks = [
    ...(text === undefined
      ? []
      : [
          {
            start: { type: 'text', text: '' },
            deltas: streamPieces(text).map((piece) => ({ type: 'text_delta', text: piece })),
          },
        ]),
    ...calls.map((call) => ({
      start: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      deltas: streamPieces(call.arguments).map((piece) => ({
        type: 'input_json_delta',
        partial_json: piece,
      })),
    })),
  ];
  return [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    ...blocks.flatMap((block, index) => [
      event('content_block_start', { index, content_block: block.start }),
      ...block.deltas.map((delta) => event('content_block_delta', { index, delta })),
      event('content_block_stop', { index }),
    ]),
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: tokens.output },
    }),
    event('message_stop', {}),
  ];
}

const anthropicProtocol: WireProtocol = {
  isModelCall: (request) => request.method === 'POST' && request.path === '/v1/messages',
  matches: matchesClaudeModel,
  streams: (request) => messagesRequestSchema.safeParse(request.body).data?.stream === true,
  render,
  error: (kind, message) => ({ type: 'error', error: { type: errorTypes[kind], message } }),
  answerOther: (request) =>
    request.method === 'POST' && request.path === '/v1/messages/count_tokens'
      ? { status: 200, body: { input_tokens: estimateTokens(JSON.stringify(request.body)) } }
      : // Claude Code probes the base URL (`HEAD /`) before its first call; anything else it
        // may try on the side must not fail a run either.
        { status: 200, body: {} },
};

/**
 * Starts a local Anthropic Messages API server (`POST /v1/messages`, also as
 * `/v1/messages?beta=true`, plain and streamed with the real SSE events; 200 for any other
 * request) for the real Claude Code CLI: give it `ANTHROPIC_BASE_URL=${server.url}`. Scripts
 * match models as `matchesClaudeModel` says, so `server.script('sonnet', …)` answers
 * `claude --model sonnet`.
 *
 * @example
 * const server = await startAnthropicMessagesServer();
 * server.script('sonnet', [
 *   { toolCalls: [{ name: 'Write', arguments: { file_path: '/tmp/a.txt', content: 'a' } }] },
 *   { text: 'Written.' },
 * ]);
 */
export function startAnthropicMessagesServer(
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  return startScriptedServer(anthropicProtocol, options);
}
