import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { redactForInspection } from '../../src/inspect/redact-for-inspection.js';
import { startCtoProcess, until } from '../helpers/cto-process.js';
import { createSandbox } from '../helpers/sandbox.js';

/** A free port on localhost, for the relay. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A websocket client of the relay that keeps every inspection event, retrying until the relay listens. */
async function watch(port: number) {
  const events: {
    type: string;
    sessionId?: string;
    event?: { type?: string };
    snapshot?: unknown;
    actorRef?: unknown;
  }[] = [];
  const raw: string[] = [];
  for (let tries = 0; ; tries++) {
    try {
      const socket = new WebSocket(`ws://localhost:${port}`);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.on('message', (data) => {
        raw.push(String(data));
        events.push(JSON.parse(String(data)));
      });
      return { events, raw, close: () => socket.close() };
    } catch (error) {
      if (tries > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** `cto run --simulate --inspect <port> <task>` in its own process, in a fresh sandbox. */
async function inspectedRun(task: string, type: string) {
  const sandbox = createSandbox();
  const port = await freePort();
  const run = startCtoProcess(
    sandbox.cwd,
    { HOME: sandbox.home },
    'run',
    '--simulate',
    '--inspect',
    String(port),
    task,
    '--type',
    type,
  );
  return { run, port };
}

describe('the live inspector', () => {
  it('streams every actor of a run to a websocket viewer, redacted, and lets the process end', async () => {
    const { run, port } = await inspectedRun(
      'Rotate the key sk-live-abcdefghijklmnop in the config',
      'coding',
    );
    const viewer = await watch(port);
    const exitCode = await run.exited;
    viewer.close();
    expect(run.output.stderr).toContain(`inspector: open http://localhost:${port}`);
    expect(exitCode).toBe(0);
    const actors = viewer.events.filter((e) => e.type === '@xstate.actor');
    const ids = JSON.stringify(actors);
    expect(ids).toContain('"cto"');
    expect(ids).toMatch(/worker:(deepseek|minimax)/);
    expect(
      viewer.events.some((e) => e.type === '@xstate.event' && e.event?.type === 'CLASSIFIED'),
    ).toBe(true);
    expect(viewer.events.some((e) => e.type === '@xstate.snapshot')).toBe(true);
    // The key in the task's text never leaves the process.
    expect(viewer.raw.join('\n')).not.toContain('sk-live-abcdefghijklmnop');
    expect(viewer.raw.join('\n')).toContain('[redacted]');
  }, 60_000);

  it('ends the process when its work ends with no viewer ever attached', async () => {
    const { run } = await inspectedRun('Say hi', 'analysis');
    // The bound: the process is gone within 1 s of printing its outcome (the
    // inspector's endless reconnecting must not hold it).
    let printedAt = 0;
    run.child.stdout?.on('data', () => {
      if (!printedAt && run.output.stdout.includes('reason: ')) printedAt = Date.now();
    });
    expect(await run.exited).toBe(0);
    expect(printedAt).toBeGreaterThan(0);
    expect(Date.now() - printedAt).toBeLessThan(1_000);
  }, 60_000);

  it('`cto inspect` serves queued tasks with the inspector attached, until stopped', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const { id } = JSON.parse(
      (await sandbox.cli('submit', 'Explain the queue', '--type', 'analysis', '--json')).stdout,
    );
    const port = await freePort();
    const serve = startCtoProcess(
      sandbox.cwd,
      { HOME: sandbox.home, CTO_SIMULATE: '1' },
      'inspect',
      '--port',
      String(port),
      '--poll',
      '50',
    );
    const viewer = await watch(port);
    await until(() => serve.output.stdout.includes(id), 'the task to finish');
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    viewer.close();
    expect(viewer.raw.join('\n')).toContain(id);
    expect(viewer.events.some((e) => e.type === '@xstate.snapshot')).toBe(true);
  }, 60_000);

  it('replays a stored task into the inspector, then waits for a viewer until interrupted', async () => {
    const sandbox = createSandbox({ CTO_SIMULATE: '1' });
    const run = JSON.parse(
      (await sandbox.cli('run', 'Explain the queue', '--type', 'analysis', '--json')).stdout,
    );
    const port = await freePort();
    const replay = startCtoProcess(
      sandbox.cwd,
      { HOME: sandbox.home, CTO_SIMULATE: '1' },
      'inspect',
      run.id,
      '--replay',
      '--speed',
      '1000',
      '--port',
      String(port),
    );
    const viewer = await watch(port);
    await until(() => replay.output.stdout.includes('replayed'), 'the replay to end');
    // The relay keeps the replay up for viewers: what it sent may still be on its way here.
    const snapshots = () => viewer.events.filter((e) => e.type === '@xstate.snapshot').length;
    await until(() => snapshots() > 3, 'the viewer to receive the replay');
    replay.child.kill('SIGINT');
    expect(await replay.exited).toBe(0);
    viewer.close();
    expect(replay.output.stdout).toMatch(/^1 {2}created → classifying$/m);
    expect(replay.output.stdout).toMatch(/CLASSIFIED → executing/);
    expect(replay.output.stdout).toContain(
      `of task ${run.id}; it ends where the stored task stands`,
    );
    expect(viewer.raw.join('\n')).toContain(run.id);
    expect(snapshots()).toBeGreaterThan(3);
  }, 60_000);

  it('says in one line what a replay needs', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.cli('inspect', 'abc')).stderr).toBe(
      'give --replay to replay a stored task\n',
    );
    expect((await sandbox.cli('inspect', '--replay')).stderr).toBe(
      '--replay needs the id of a stored task\n',
    );
    expect((await sandbox.cli('inspect', 'abc', '--replay', '--speed', '0')).stderr).toBe(
      '--speed: expected a positive number, got 0\n',
    );
  });

  it('refuses a bad port in one line', async () => {
    const sandbox = createSandbox();
    expect(await sandbox.cli('run', '--inspect', 'eighty', 'x')).toMatchObject({
      code: 1,
      stderr: '--inspect: expected a port from 1 to 65535, got eighty\n',
    });
  });
});

describe('redaction for the inspector', () => {
  it('masks credential fields and key-like strings, and cuts long strings', () => {
    expect(
      redactForInspection({
        input: { description: 'use sk-abcdefghijkl and ghp_abcdefghijklmnopqrstu', api_key: 'x' },
        output: 'y'.repeat(2_100),
        n: 3,
      }),
    ).toEqual({
      input: { description: 'use [redacted] and [redacted]', api_key: '[redacted]' },
      output: `${'y'.repeat(2_000)}… [100 more characters]`,
      n: 3,
    });
  });
});
