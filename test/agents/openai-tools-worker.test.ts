import { describe, expect, it } from 'vitest';
import { openAiClientFor } from '../../agents/openai-client.js';
import {
  interruptedToolResult,
  runToolLoop,
  type ToolRunner,
} from '../../agents/openai-tools-worker.js';
import { executeCall, memoryJournal, providerServers } from '../helpers/test-models.js';

function fakeTools() {
  const ran: { name: string; args: string }[] = [];
  const tools: ToolRunner = {
    definitions: [
      { type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } },
    ],
    async run(name, args) {
      ran.push({ name, args });
      return { ok: true, output: `result of ${name} ${args}` };
    },
  };
  return { tools, ran };
}

async function setup(entries: { kind: string; data: unknown }[] = []) {
  const servers = await providerServers();
  const model = servers.model('deepseek');
  const journal = memoryJournal(entries);
  const call = executeCall(model, 'read a.txt and summarise it', journal);
  const { notes } = call;

  return { ...servers, model, journal, call, notes, client: openAiClientFor(model) };
}

type Body = {
  messages: { role: string; content?: unknown; tool_call_id?: string }[];
  tools?: unknown[];
};

function bodyOf(request: { body: unknown } | undefined): Body {
  if (!request) throw new Error('no such request');
  return request.body as Body;
}

describe('the tool loop (real openai SDK against the local server)', () => {
  it('runs tool calls until the model answers, journaling each turn and each call', async () => {
    const { openAi, client, model, call, journal, notes } = await setup();
    openAi.script('deepseek-flash', [
      {
        toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }],
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      },
      { text: 'a.txt says hello', usage: { prompt_tokens: 150, completion_tokens: 5 } },
    ]);
    const { tools, ran } = fakeTools();
    const result = await runToolLoop({ client, model, call, tools, maxTurns: 5 });
    expect(result).toEqual({
      output: 'a.txt says hello',
      usage: { inputTokens: 250, outputTokens: 15 },
    });
    expect(ran).toEqual([{ name: 'read_file', args: '{"path":"a.txt"}' }]);
    expect(journal.all.map((e) => e.kind)).toEqual([
      'turn',
      'tool-started',
      'tool-finished',
      'turn',
    ]);
    expect(notes).toEqual([
      'read_file {"path":"a.txt"}',
      'read_file ok: result of read_file {"path":"a.txt"}',
    ]);
    const second = bodyOf(openAi.requests[1]);
    expect(second.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'result of read_file {"path":"a.txt"}',
    });
    expect(bodyOf(openAi.requests[0]).tools).toHaveLength(1);
  });

  it('on resume never re-runs a finished tool call and reports a started one as interrupted', async () => {
    const turn = {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"a"}' },
          },
          {
            id: 'c2',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"b"}' },
          },
          {
            id: 'c3',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"c"}' },
          },
        ],
      },
      usage: { inputTokens: 10, outputTokens: 1 },
    };
    const { openAi, client, model, call, journal } = await setup([
      { kind: 'turn', data: turn },
      { kind: 'tool-started', data: { key: '0.0', name: 'read_file' } },
      { kind: 'tool-finished', data: { key: '0.0', ok: true, output: 'A' } },
      { kind: 'tool-started', data: { key: '0.1', name: 'read_file' } },
    ]);
    openAi.script('deepseek-flash', [
      { text: 'done', usage: { prompt_tokens: 20, completion_tokens: 2 } },
    ]);
    const { tools, ran } = fakeTools();
    const result = await runToolLoop({ client, model, call, tools, maxTurns: 5 });
    // Only the call that never started runs.
    expect(ran).toEqual([{ name: 'read_file', args: '{"path":"c"}' }]);
    expect(result).toEqual({ output: 'done', usage: { inputTokens: 30, outputTokens: 3 } });
    const messages = bodyOf(openAi.requests[0]).messages;
    expect(messages.filter((m) => m.role === 'tool')).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'A' },
      { role: 'tool', tool_call_id: 'c2', content: interruptedToolResult },
      { role: 'tool', tool_call_id: 'c3', content: 'result of read_file {"path":"c"}' },
    ]);
    expect(journal.all.slice(4).map((e) => e.kind)).toEqual([
      'tool-finished',
      'tool-started',
      'tool-finished',
      'turn',
    ]);
  });

  it('returns the journaled final answer without calling the model again', async () => {
    const { openAi, client, model, call } = await setup([
      {
        kind: 'turn',
        data: {
          message: { role: 'assistant', content: 'all done' },
          usage: { inputTokens: 5, outputTokens: 2 },
        },
      },
    ]);
    const { tools } = fakeTools();
    expect(await runToolLoop({ client, model, call, tools, maxTurns: 5 })).toEqual({
      output: 'all done',
      usage: { inputTokens: 5, outputTokens: 2 },
    });
    expect(openAi.requests).toHaveLength(0);
  });

  it('fails, not worth a retry, when the model is still calling tools at the turn limit', async () => {
    const { openAi, client, model, call } = await setup();
    openAi.script('deepseek-flash', () => ({ toolCalls: [{ name: 'read_file', arguments: {} }] }));
    const { tools } = fakeTools();
    await expect(runToolLoop({ client, model, call, tools, maxTurns: 3 })).rejects.toMatchObject({
      message: 'deepseek was still calling tools after 3 turns',
      transient: false,
    });
    expect(openAi.requests).toHaveLength(3);
  });

  it('passes invalid arguments and unknown tool names to the tool runner, whose refusal goes back to the model', async () => {
    const { openAi, client, model, call } = await setup();
    openAi.script('deepseek-flash', [
      { toolCalls: [{ name: 'no_such_tool', arguments: '{not json' }] },
      { text: 'gave up on that tool' },
    ]);
    const tools: ToolRunner = {
      definitions: [],
      run: async (name, args) => ({ ok: false, output: `refused: ${name} with ${args}` }),
    };
    const result = await runToolLoop({ client, model, call, tools, maxTurns: 3 });
    expect(result.output).toBe('gave up on that tool');
    const messages = bodyOf(openAi.requests[1]).messages;
    expect(messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'refused: no_such_tool with {not json',
    });
  });

  it('refuses an unreadable journal entry in one line', async () => {
    const { client, model, call } = await setup([{ kind: 'turn', data: { message: 'garbage' } }]);
    const { tools } = fakeTools();
    await expect(runToolLoop({ client, model, call, tools, maxTurns: 3 })).rejects.toThrow(
      'the step journal has an unreadable turn entry',
    );
  });
});
