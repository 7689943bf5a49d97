import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { startOpenAiCompatibleServer } from '../../src/testing/openai-compatible-server.js';
import type { ScriptedServer } from '../../src/testing/start-scripted-server.js';
import { startCtoProcess, until } from '../helpers/cto-process.js';
import { createSandbox } from '../helpers/sandbox.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('cto serve and signals', () => {
  it('exits 0 on SIGTERM when idle', async () => {
    const sandbox = createSandbox();
    const serve = startCtoProcess(sandbox.cwd, { HOME: sandbox.home }, 'serve', '--poll', '50');
    await until(() => serve.output.stderr.includes('serving tasks'), 'serve to start');
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });

  it('finishes the work under way on the first signal and stops at once on the second, the task kept for resume', async () => {
    const server = await startOpenAiCompatibleServer();
    servers.push(server);
    server.script('deepseek-flash', () => ({ fault: 'hang' }));
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      provider_endpoints: { deepseek: { api_url: `${server.url}/v1` } },
    });
    const id = JSON.parse((await sandbox.cli('submit', 'Hang forever', '--json')).stdout)
      .id as string;
    const serve = startCtoProcess(
      sandbox.cwd,
      { HOME: sandbox.home, DEEPSEEK_API_KEY: 'sk-test-0000' },
      'serve',
      '--poll',
      '50',
    );
    await until(() => server.requests.length > 0, 'the classify call');
    serve.child.kill('SIGINT');
    await until(
      () => serve.output.stderr.includes('finishing the tasks under way'),
      'the first signal to be heard',
    );
    expect(serve.child.exitCode).toBeNull(); // still waiting for its task
    serve.child.kill('SIGINT');
    await serve.exited;
    expect(serve.output.stderr).toContain(
      'stopping now; unfinished tasks stay stored for `cto resume`',
    );
    const store = openSqliteStore(join(sandbox.cwd, '.cto', 'state.db'));
    expect(await store.getTask(id)).toMatchObject({ status: 'classifying' });
    await store.close();
  }, 30_000);

  it('bounds the graceful stop: after stop_grace_seconds the tasks under way are handed back for resume', async () => {
    const server = await startOpenAiCompatibleServer();
    servers.push(server);
    server.script('deepseek-flash', () => ({ fault: 'hang' }));
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      provider_endpoints: { deepseek: { api_url: `${server.url}/v1` } },
      timeouts: { idle_seconds: 3600, stop_grace_seconds: 1 },
    });
    const id = JSON.parse((await sandbox.cli('submit', 'Hang forever', '--json')).stdout)
      .id as string;
    const serve = startCtoProcess(
      sandbox.cwd,
      { HOME: sandbox.home, DEEPSEEK_API_KEY: 'sk-test-0000' },
      'serve',
      '--poll',
      '50',
    );
    await until(() => server.requests.length > 0, 'the classify call');
    serve.child.kill('SIGTERM');
    const code = await serve.exited;
    expect(code).toBe(0);
    expect(serve.output.stderr).toContain('finishing the tasks under way (for up to 1 s)');
    expect(serve.output.stderr).toContain(
      '1 s of grace are over: stopping now; unfinished tasks stay stored for `cto resume`',
    );
    const store = openSqliteStore(join(sandbox.cwd, '.cto', 'state.db'));
    expect(await store.getTask(id)).toMatchObject({ status: 'classifying' });
    // Handed back: its lease is released, so the next process claims it at once.
    const claimed = await store.claimTasks({
      owner: 'next',
      limit: 5,
      now: Date.now(),
      leaseMs: 1_000,
    });
    expect(claimed.map((c) => c.lease.taskId)).toEqual([id]);
    await store.close();
  }, 30_000);
});
