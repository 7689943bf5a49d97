import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCtoProcess, until } from '../helpers/cto-process.js';
import { createSandbox } from '../helpers/sandbox.js';

/** Long enough for a simulated task through the real Claude Code CLI on a busy machine. */
const boundMs = 45_000;

/**
 * Runs `cto` as a user's shell would and waits at most `boundMs` for it to end: a process still
 * running then is killed and the test fails. The watchdog in main.ts must not be what ended
 * it: its line means something was left running.
 */
async function ctoWithin(
  cwd: string,
  env: Record<string, string>,
  argv: string[],
  during?: (process: ReturnType<typeof startCtoProcess>) => Promise<void>,
) {
  const started = startCtoProcess(cwd, env, ...argv);
  const timer = setTimeout(() => started.child.kill('SIGKILL'), boundMs);
  await during?.(started);
  const code = await started.exited;
  clearTimeout(timer);
  expect(started.child.signalCode, `cto ${argv.join(' ')} was still running`).toBeNull();
  expect(started.output.stderr).not.toContain('something was still running');
  return { code, ...started.output };
}

/** A port on which nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('every command exits within a bound on every failure path', () => {
  it('a store that cannot be opened: one line, exit 1, with or without --simulate', async () => {
    const sandbox = createSandbox();
    const env = { HOME: sandbox.home };
    for (const argv of [
      ['run', '--simulate', '--store', '/etc/passwd', 'x'],
      ['serve', '--simulate', '--store', '/etc/passwd'],
      ['resume', '--simulate', '--store', '/etc/passwd'],
      ['run', '--store', '/etc/passwd', 'x'],
      ['status', '--store', '/etc/passwd'],
    ]) {
      const result = await ctoWithin(sandbox.cwd, env, argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toEqual([
        'cto: cannot open the SQLite store at /etc/passwd: file is not a database',
      ]);
    }
  }, 120_000);

  it('a corrupt simulated store: one line naming the file, exit 1', async () => {
    const sandbox = createSandbox();
    const file = sandbox.write('.cto/simulated/state.db', 'SQLite format 3\0 and then garbage');
    for (const argv of [
      ['run', '--simulate', 'x'],
      ['serve', '--simulate'],
      ['resume', '--simulate'],
    ]) {
      const result = await ctoWithin(sandbox.cwd, { HOME: sandbox.home }, argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toContain(file);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 120_000);

  it('a broken config: its problem in one line, exit 1, also with --simulate', async () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', '{ "max_attempts": "three" }');
    for (const argv of [['run', '--simulate', 'x'], ['serve', '--simulate'], ['status']]) {
      const result = await ctoWithin(sandbox.cwd, { HOME: sandbox.home }, argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toContain('max_attempts: expected a positive integer');
    }
  }, 120_000);

  it('an unreachable trace collector: said once, the result and the exit code unchanged', async () => {
    const sandbox = createSandbox();
    const port = await closedPort();
    const result = await ctoWithin(
      sandbox.cwd,
      { HOME: sandbox.home, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      ['run', '--simulate', '--json', 'Add a flag', '--type', 'coding'],
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('done');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^cto: could not deliver traces to http://127\\.0\\.0\\.1:${port}/v1/traces: `),
      ),
    ]);
  }, 60_000);

  it('a missing Claude Code CLI: the task ends (escalating past Claude) and the process with it', async () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      claude_code: { command: join(sandbox.cwd, 'no-such-claude') },
    });
    const result = await ctoWithin(sandbox.cwd, { HOME: sandbox.home }, [
      'run',
      '--simulate',
      '--json',
      'Add a flag',
      '--type',
      'coding',
    ]);
    expect([0, 2]).toContain(result.code);
    expect(JSON.parse(result.stdout).decisions.join('\n')).toContain('no-such-claude');
  }, 60_000);

  it('a stalled provider: each request given up on after the idle time, the task ends, the process too', async () => {
    const sandbox = createSandbox();
    sandbox.write('orchestrator_config.json', {
      provider_endpoints: { deepseek: { api_url: `http://127.0.0.1:${await hangingPort()}/v1` } },
      max_attempts: 1,
      timeouts: { idle_seconds: 1 },
    });
    const result = await ctoWithin(
      sandbox.cwd,
      { HOME: sandbox.home, DEEPSEEK_API_KEY: 'sk-test-0000' },
      ['run', '--json', 'Fix it', '--model', 'deepseek', '--type', 'coding'],
    );
    expect(result.code).toBe(2);
    const outcome = JSON.parse(result.stdout);
    expect(outcome.status).toBe('blocked');
    expect(outcome.decisions.join('\n')).toContain('no data from the provider for 1 s');
  }, 60_000);

  it('a signal during a run: the task is stored, exit 130', async () => {
    const sandbox = createSandbox();
    // A tool-calling model that never answers keeps the task in flight until the signal.
    sandbox.write('orchestrator_config.json', {
      provider_endpoints: { deepseek: { api_url: `http://127.0.0.1:${await hangingPort()}/v1` } },
    });
    const result = await ctoWithin(
      sandbox.cwd,
      { HOME: sandbox.home, DEEPSEEK_API_KEY: 'sk-test-0000' },
      ['run', 'Fix it', '--model', 'deepseek'],
      async (process) => {
        await until(() => process.output.stdout.includes('classifying'), 'the task to start');
        process.child.kill('SIGINT');
      },
    );
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('`cto resume` continues it');
    // Said once, in the command's words: not a second line naming the library's resume().
    expect(result.stderr).not.toContain('resume()');
  }, 60_000);
});

/** A port whose server accepts connections and never answers. */
async function hangingPort(): Promise<number> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return (server.address() as { port: number }).port;
}
