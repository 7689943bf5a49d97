import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, sendJson } from './local-http-server.js';
import { ModelScripts } from './model-scripts.js';
import { type RecordedRequest, recordRequest } from './recorded-request.js';
import {
  type ModelMatcher,
  type Script,
  type ScriptedReply,
  scriptedReplySchema,
} from './scripted-reply.js';
import type { ModelRequest, WireProtocol } from './wire-protocol.js';

export interface ScriptedServerOptions {
  /** The port on 127.0.0.1; 0 (the default) takes a free one. */
  port?: number;
  /**
   * The reply to a model call that no script answers, such as a side call of a client on a
   * model the test did not script (Claude Code 2.1.197 makes none in print mode). Without it
   * such a call gets the provider's 404, as a real provider answers an unknown model.
   */
  fallback?: ScriptedReply;
}

/** A local provider server whose models answer what each test scripts. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every model call in order of arrival, answered or not (a fault, an unknown model …). */
  readonly requests: readonly RecordedRequest[];
  /** Every other request (a `HEAD /` probe, a model listing …). */
  readonly otherRequests: readonly RecordedRequest[];
  /** Sets what a model answers from now on; scripting the same name again replaces it. */
  script(model: ModelMatcher, script: Script): void;
  /** Stops listening and drops every connection, hanging requests included. */
  close(): Promise<void>;
}

/** The text a cut reply carries up to the point where the connection drops. */
const cutText = 'This reply is cut off before its end, as a dropped connection would leave it.';

function startEvents(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** Sends the first half of a reply, then drops the connection once that part is on its way. */
function sendCut(response: ServerResponse, rendered: string | string[]): void {
  let part: string;
  if (Array.isArray(rendered)) {
    startEvents(response);
    part = rendered.slice(0, Math.ceil(rendered.length / 2)).join('');
  } else {
    // The promised length makes the client notice the missing rest, as with a real cut.
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(rendered),
    });
    part = rendered.slice(0, Math.floor(rendered.length / 2));
  }
  response.write(part, () => response.destroy());
}

/**
 * Starts a provider server on 127.0.0.1 that speaks `protocol`: model calls are answered from
 * the scripts, every request is recorded, faults come on demand. The public servers
 * (`startOpenAiCompatibleServer`, `startAnthropicMessagesServer`) are this with their protocol.
 *
 * @example
 * const server = await startScriptedServer(protocol, { port: 0 });
 * server.script('gpt-test', [{ text: 'hi' }]);
 */
export async function startScriptedServer(
  protocol: WireProtocol,
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  const fallback = options.fallback && scriptedReplySchema.parse(options.fallback);
  const scripts = new ModelScripts((name, model) => protocol.matches(name, model));
  const requests: RecordedRequest[] = [];
  const otherRequests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let sequence = 0;

  const answer = (reply: ScriptedReply, request: ModelRequest, response: ServerResponse) => {
    const streams = protocol.streams(request);
    if (!('fault' in reply)) {
      sequence += 1;
      const rendered = protocol.render(reply, request, sequence);
      if (Array.isArray(rendered)) {
        startEvents(response);
        response.end(rendered.join(''));
      } else sendJson(response, 200, rendered);
      return;
    }
    switch (reply.fault) {
      case 'rate_limit':
        return sendJson(
          response,
          429,
          protocol.error('rate_limit', 'Rate limit reached (a scripted fault).'),
          { 'retry-after': String(reply.retryAfterSeconds ?? 1) },
        );
      case 'server_error':
        return sendJson(
          response,
          500,
          protocol.error('server_error', 'Internal server error (a scripted fault).'),
        );
      case 'hang':
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      case 'malformed':
        if (!streams) return sendJson(response, 200, '{"this is": not json');
        startEvents(response);
        response.end('data: {"this is": not json\n\n');
        return;
      case 'cut':
        sequence += 1;
        return sendCut(response, protocol.render({ text: cutText }, request, sequence));
    }
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const recorded = recordRequest(incoming, await readBody(incoming));
    if (!protocol.isModelCall(recorded)) {
      otherRequests.push(recorded);
      const { status, body } = protocol.answerOther(recorded, scripts.names());
      return sendJson(response, status, body);
    }
    requests.push(recorded);
    const { model } = recorded;
    if (model === null) {
      return sendJson(
        response,
        400,
        protocol.error('invalid_request', 'The body must be a JSON object with a "model".'),
      );
    }
    const request = { ...recorded, model };
    const lookup = await scripts.next(model, request);
    if (lookup.kind === 'failed') {
      return sendJson(response, 500, protocol.error('server_error', lookup.message));
    }
    if (lookup.kind === 'reply') return answer(lookup.reply, request, response);
    if (fallback) return answer(fallback, request, response);
    const names = scripts.names().join(', ') || 'none';
    return sendJson(
      response,
      404,
      protocol.error(
        'not_found',
        `The model "${model}" is not scripted on this test server (scripted by name: ${names}).`,
      ),
    );
  };

  const local = await listenOnLoopback(handle, {
    port: options.port,
    // Only a broken connection or a bug lands here; the client must not wait forever.
    errorBody: (error) => protocol.error('server_error', String(error)),
  });

  return {
    url: local.url,
    port: local.port,
    requests,
    otherRequests,
    script: (model, script) => scripts.set(model, script),
    close: () => {
      for (const response of hanging) response.destroy();
      return local.close();
    },
  };
}
