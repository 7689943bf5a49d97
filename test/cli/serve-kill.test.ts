import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ctoSystemPrompt } from '../../agents/cto-prompts.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { startAnthropicMessagesServer } from '../../src/testing/anthropic-messages-server.js';
import { startOpenAiCompatibleServer } from '../../src/testing/openai-compatible-server.js';
import type { RecordedRequest } from '../../src/testing/recorded-request.js';
import type { ScriptedReply } from '../../src/testing/scripted-reply.js';
import type { ScriptedServer } from '../../src/testing/start-scripted-server.js';
import { ctoProcess, startCtoProcess, until } from '../helpers/cto-process.js';
import { expectNoProcessWith } from '../helpers/host-processes.js';
import { createSandbox } from '../helpers/sandbox.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Message {
  role: string;
  content?: unknown;
  tool_call_id?: string;
}
const messagesOf = (r: RecordedRequest) => (r.body as { messages?: Message[] }).messages ?? [];
const isCto = (r: RecordedRequest) => JSON.stringify(r.body).includes(ctoSystemPrompt);
const toolResults = (r: RecordedRequest) =>
  messagesOf(r).filter(
    (m) =>
      m.role === 'tool' ||
      (Array.isArray(m.content) &&
        m.content.some((b) => (b as { type?: string }).type === 'tool_result')),
  ).length;

/** A reply held back until the test lets it go: the model "hangs" while the process is killed. */
function held() {
  let release: (reply: ScriptedReply) => void = () => {};
  const reply = new Promise<ScriptedReply>((resolve) => {
    release = resolve;
  });
  return { reply, release };
}

/** Everything a `cto` process needs to reach the test's local servers. */
async function world(workerModel: string) {
  const [openAi, anthropic] = await Promise.all([
    startOpenAiCompatibleServer(),
    startAnthropicMessagesServer(),
  ]);
  servers.push(openAi, anthropic);
  const sandbox = createSandbox();
  sandbox.write('orchestrator_config.json', {
    cto_model: 'deepseek',
    provider_endpoints: {
      deepseek: { api_url: `${openAi.url}/v1` },
      sonnet: { api_url: anthropic.url },
    },
  });
  const env = {
    HOME: sandbox.home,
    DEEPSEEK_API_KEY: 'sk-test-deepseek-0000',
    SONNET_API_KEY: 'sk-test-sonnet-0000',
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  const cto = (r: RecordedRequest): ScriptedReply =>
    JSON.stringify(r.body).includes('Classify this task')
      ? {
          text: JSON.stringify({
            complexity: 'simple',
            type: 'coding',
            model: workerModel,
            reason: 'test',
          }),
        }
      : { text: JSON.stringify({ verdict: 'approve', quality: 9, feedback: 'good' }) };
  const submit = async (task: string) => {
    const submitted = await sandbox.cli(
      'submit',
      task,
      '--type',
      'coding',
      '--model',
      workerModel,
      '--json',
    );
    expect(submitted.code).toBe(0);
    return (JSON.parse(submitted.stdout) as { id: string }).id;
  };
  return { openAi, anthropic, sandbox, env, cto, submit };
}

describe('cto serve killed with SIGKILL mid-task, then cto resume', () => {
  it('finishes a tool-loop task without running a finished tool call again', async () => {
    const { openAi, sandbox, env, cto, submit } = await world('deepseek');
    const hang = held();
    let killed = false;
    openAi.script('deepseek-flash', (r) => {
      if (isCto(r)) return cto(r);
      const done = toolResults(r);
      if (done < 2)
        return {
          toolCalls: [
            {
              name: 'run_command',
              arguments: { command: `echo ${done ? 'two' : 'one'} >> log.txt` },
            },
          ],
        };
      return killed ? { text: 'appended one and two' } : hang.reply;
    });
    const id = await submit('Append one and two to log.txt');

    const serve = startCtoProcess(sandbox.cwd, env, 'serve', '--poll', '50');
    await until(
      () => openAi.requests.some((r) => !isCto(r) && toolResults(r) === 2),
      'the third model turn',
    );
    serve.child.kill('SIGKILL');
    await serve.exited;
    killed = true;
    hang.release({ fault: 'server_error' });
    const before = openAi.requests.length;

    const resumed = await ctoProcess(sandbox.cwd, env, 'resume');
    expect(resumed.stderr).toContain('resuming 1 task(s)');
    expect(resumed.stdout).toMatch(new RegExp(`^done +${id} +deepseek +quality 9`));
    expect(resumed.code).toBe(0);
    // Each command ran once; the resumed loop sent the model both earlier results.
    expect(readFileSync(join(sandbox.cwd, 'log.txt'), 'utf8')).toBe('one\ntwo\n');
    const after = openAi.requests.slice(before).filter((r) => !isCto(r));
    expect(after).toHaveLength(1);
    expect(
      messagesOf(after[0] as RecordedRequest)
        .filter((m) => m.role === 'tool')
        .map((m) => m.content),
    ).toEqual([expect.stringMatching(/^exit code 0/), expect.stringMatching(/^exit code 0/)]);
    const store = openSqliteStore(join(sandbox.cwd, '.cto', 'state.db'));
    const journal = await store.journal(id);
    expect(journal.filter((e) => e.kind === 'tool-started')).toHaveLength(2);
    await store.close();
  }, 60_000);

  it('resumes a Claude Code task in its session instead of starting over', async () => {
    const { openAi, anthropic, sandbox, env, cto, submit } = await world('sonnet');
    const hang = held();
    let killed = false;
    openAi.script('deepseek-flash', cto);
    anthropic.script('sonnet', (r) => {
      if (killed) {
        // The resumed session is told it was interrupted; this model checks and goes on.
        return JSON.stringify(r.body).includes('You were interrupted')
          ? { text: 'appended one' }
          : { fault: 'server_error' };
      }
      if (toolResults(r) === 0) {
        return {
          toolCalls: [
            {
              name: 'Bash',
              arguments: { command: 'echo one >> log.txt', description: 'append one' },
            },
          ],
        };
      }
      return hang.reply;
    });
    const id = await submit('Append one to log.txt');

    const serve = startCtoProcess(sandbox.cwd, env, 'serve', '--poll', '50');
    await until(
      () => anthropic.requests.some((r) => toolResults(r) > 0),
      'the turn after the Bash call',
    );
    serve.child.kill('SIGKILL');
    await serve.exited;
    killed = true;
    hang.release({ fault: 'server_error' });
    // The session ran in the sandbox, which dies with its parent: no orphan is left.
    await expectNoProcessWith(join(sandbox.cwd));
    const store = openSqliteStore(join(sandbox.cwd, '.cto', 'state.db'));
    const session = (await store.journal(id)).find((e) => e.kind === 'session')?.data as {
      sessionId: string;
    };
    expect(session.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const before = anthropic.requests.length;

    const resumed = await ctoProcess(sandbox.cwd, env, 'resume');
    expect(resumed.stdout).toMatch(new RegExp(`^done +${id} +sonnet +quality 9`));
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(sandbox.cwd, 'log.txt'), 'utf8')).toBe('one\n');
    // The resumed session carried the earlier Bash call and its result, and the same session id.
    const resumedTurns = anthropic.requests
      .slice(before)
      .filter((r) => JSON.stringify(r.body).includes('You were interrupted'));
    expect(resumedTurns).toHaveLength(1);
    // It carries the conversation from before the crash. The CLI died with the orchestrator
    // before writing its last tool call's result, so it drops that call: whether the resumed
    // model repeats it is the model's (this one checks first), hence "at least once".
    expect(JSON.stringify(resumedTurns[0]?.body)).toContain('Append one to log.txt');
    const result = (await store.journal(id)).find((e) => e.kind === 'result')?.data as {
      sessionId: string;
    };
    expect(result.sessionId).toBe(session.sessionId);
    await store.close();
  }, 60_000);
});
