import { z } from 'zod';
import { argumentsText, type ScriptedContent } from './scripted-reply.js';
import {
  type ScriptedServer,
  type ScriptedServerOptions,
  startScriptedServer,
} from './start-scripted-server.js';
import { streamPieces } from './stream-pieces.js';
import { tokenCounts } from './token-counts.js';
import type { ModelRequest, ProviderErrorKind, WireProtocol } from './wire-protocol.js';

/** The fields of a chat completion request that change the shape of the answer. */
const chatRequestSchema = z.looseObject({
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

const errorTypes: Record<ProviderErrorKind, { type: string; code: string }> = {
  rate_limit: { type: 'requests', code: 'rate_limit_exceeded' },
  server_error: { type: 'server_error', code: 'server_error' },
  not_found: { type: 'invalid_request_error', code: 'model_not_found' },
  invalid_request: { type: 'invalid_request_error', code: 'invalid_request' },
};

function chatRequest(request: ModelRequest): z.infer<typeof chatRequestSchema> {
  return chatRequestSchema.safeParse(request.body).data ?? {};
}

function render(content: ScriptedContent, request: ModelRequest, sequence: number) {
  const calls = ('toolCalls' in content ? content.toolCalls : []).map((call, index) => ({
    id: call.id ?? `call_${sequence}_${index}`,
    type: 'function' as const,
    function: { name: call.name, arguments: argumentsText(call) },
  }));
  const text = content.text ?? null;
  const tokens = tokenCounts(
    content.usage,
    request,
    (text ?? '') + calls.map((call) => call.function.name + call.function.arguments).join(''),
  );
  const usage = {
    prompt_tokens: tokens.input,
    completion_tokens: tokens.output,
    total_tokens: tokens.input + tokens.output,
  };
  const finishReason = calls.length > 0 ? 'tool_calls' : 'stop';
  const head = {
    id: `chatcmpl-${sequence}`,
    created: Math.floor(request.time / 1000),
    model: request.model,
  };
  const { stream, stream_options } = chatRequest(request);
  if (!stream) {
    return JSON.stringify({
      ...head,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text,
            refusal: null,
            ...(calls.length > 0 ? { tool_calls: calls } : {}),
          },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    });
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
  const delta = (value: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: value, logprobs: null, finish_reason: finish }]);
  return [
    delta({ role: 'assistant', content: '' }),
    ...streamPieces(text ?? '').map((piece) => delta({ content: piece })),
    ...calls.flatMap((call, index) => [
      delta({
        tool_calls: [
          {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
      ...streamPieces(call.function.arguments).map((piece) =>
        delta({ tool_calls: [{ index, function: { arguments: piece } }] }),
      ),
    ]),
    delta({}, finishReason),
    ...(stream_options?.include_usage ? [chunk([], { usage })] : []),
    'data: [DONE]\n\n',
  ];
}

const openAiProtocol: WireProtocol = {
  isModelCall: (request) => request.method === 'POST' && request.path === '/v1/chat/completions',
  matches: (name, model) => name === model,
  streams: (request) => chatRequest(request).stream === true,
  render,
  error: (kind, message) => {
    const { type, code } = errorTypes[kind];
    return { error: { message, type, param: null, code } };
  },
  answerOther: (request, scriptedNames) => {
    if (request.method === 'GET' && request.path === '/v1/models') {
      return {
        status: 200,
        body: {
          object: 'list',
          data: scriptedNames.map((id) => ({
            id,
            object: 'model',
            created: 0,
            owned_by: 'cto-orchestrator-testing',
          })),
        },
      };
    }
    return {
      status: 404,
      body: {
        error: {
          message: `Unknown route ${request.method} ${request.path} on this test server.`,
          type: 'invalid_request_error',
          param: null,
          code: 'unknown_url',
        },
      },
    };
  },
};

/**
 * Starts a local OpenAI-compatible chat completions server (`POST /v1/chat/completions`,
 * plain and streamed, tool calls, usage; `GET /v1/models` lists the models scripted by name).
 * A script's name matches the requested model exactly; use a predicate for anything looser.
 * Give the `openai` SDK `${server.url}/v1` as its base URL.
 *
 * @example
 * const server = await startOpenAiCompatibleServer();
 * server.script('gpt-test', [{ text: 'hi' }, { fault: 'rate_limit', retryAfterSeconds: 2 }]);
 * const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0 });
 */
export function startOpenAiCompatibleServer(
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  return startScriptedServer(openAiProtocol, options);
}
