import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type ScriptedServer,
  startAnthropicMessagesServer,
} from '../../src/testing/index.js';
import { claudeHome, runClaudeCode } from './run-claude-code.js';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startAnthropicMessagesServer();
});
afterEach(() => server.close());

interface Block {
  type: string;
  text?: string;
  tool_use_id?: string;
  content?: unknown;
}

/** The content blocks of a request's messages, in order, with the role of each. */
function blocks(request: RecordedRequest | undefined): (Block & { role: string })[] {
  const body = (request?.body ?? { messages: [] }) as {
    messages: { role: string; content: string | Block[] }[];
  };
  return body.messages.flatMap(({ role, content }) =>
    typeof content === 'string'
      ? [{ role, type: 'text', text: content }]
      : content.map((block) => ({ role, ...block })),
  );
}

// The CLI starts in about a second; these limits only catch a run that went wrong.
describe('the Anthropic Messages server through the real Claude Code CLI', {
  timeout: 30_000,
}, () => {
  it('answers a prompt with the scripted text', async () => {
    server.script('sonnet', [{ text: 'Hi from the script.' }]);
    const run = await runClaudeCode(server, claudeHome(), 'say hi');
    expect(run.result).toMatchObject({ is_error: false, result: 'Hi from the script.' });
    expect(run.exitCode).toBe(0);
    expect(run.init?.session_id).toEqual(expect.any(String));
    expect(run.result?.session_id).toBe(run.init?.session_id);
    // `--model sonnet` arrives as the full id of the current Sonnet.
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.model).toMatch(/^claude-sonnet-/);
    expect(server.requests[0]?.query).toBe('?beta=true');
    expect(blocks(server.requests[0]).some((block) => block.text === 'say hi')).toBe(true);
    expect(server.otherRequests.map(({ method, path }) => `${method} ${path}`)).toContain('HEAD /');
  });

  it('runs a scripted Write tool call and sends its result back', async () => {
    const where = claudeHome();
    const filePath = join(where.cwd, 'hello.txt');
    server.script('sonnet', [
      {
        text: 'Writing the file.',
        toolCalls: [
          { name: 'Write', id: 'toolu_write', arguments: { file_path: filePath, content: 'hi\n' } },
        ],
      },
      { text: 'The file is written.' },
    ]);
    const run = await runClaudeCode(server, where, 'write hello.txt', ['--allowedTools', 'Write']);
    expect(run.result).toMatchObject({ is_error: false, result: 'The file is written.' });
    expect(readFileSync(filePath, 'utf8')).toBe('hi\n');
    expect(server.requests).toHaveLength(2);
    const toolResult = blocks(server.requests[1]).find((block) => block.type === 'tool_result');
    expect(toolResult).toMatchObject({ role: 'user', tool_use_id: 'toolu_write' });
    expect(JSON.stringify(toolResult?.content)).toContain(filePath);
  });

  it.each([
    ['server_error', { fault: 'server_error' }, 500],
    ['rate_limit', { fault: 'rate_limit', retryAfterSeconds: 0 }, 429],
  ] as const)('reports a %s as an error result and a non-zero exit', async (_, fault, status) => {
    server.script('sonnet', [fault]);
    const run = await runClaudeCode(server, claudeHome(), 'say hi');
    expect(run.result).toMatchObject({ is_error: true, api_error_status: status });
    expect(run.exitCode).not.toBe(0);
  });

  it('retries a cut stream once as a plain request, even with CLAUDE_CODE_MAX_RETRIES=0', async () => {
    server.script('sonnet', [{ fault: 'cut' }, { text: 'Recovered.' }]);
    const run = await runClaudeCode(server, claudeHome(), 'say hi');
    expect(run.result).toMatchObject({ is_error: false, result: 'Recovered.' });
    expect(server.requests.map((request) => (request.body as { stream?: boolean }).stream)).toEqual(
      [true, undefined],
    );
  });

  it('resumes a session from its config dir, sending the earlier conversation', async () => {
    const where = claudeHome();
    server.script('sonnet', [{ text: 'First answer.' }, { text: 'Second answer.' }]);
    const first = await runClaudeCode(server, where, 'first question');
    const sessionId = first.init?.session_id;
    expect(typeof sessionId).toBe('string');
    const second = await runClaudeCode(server, where, 'second question', [
      '--resume',
      String(sessionId),
    ]);
    expect(second.result).toMatchObject({
      is_error: false,
      result: 'Second answer.',
      session_id: sessionId,
    });
    const texts = blocks(server.requests[1])
      .filter((block) => block.role !== 'system' && block.text !== undefined)
      .map((block) => `${block.role}: ${block.text}`);
    expect(texts).toEqual(
      expect.arrayContaining([
        'user: first question',
        'assistant: First answer.',
        'user: second question',
      ]),
    );
  });
});
