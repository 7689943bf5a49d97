import type { Command } from 'commander';
import {
  defaultLeaseMs,
  type TaskChange,
  type TaskHandle,
} from '../runtime/create-orchestrator.js';
import { leaseOwnerId } from '../runtime/lease-owner.js';
import { startTaskSources } from '../sources/start-task-sources.js';

interface ServeOptions extends HttpCliOptions {
  poll: string;
  maxTasks: string;
  lease: string;
}

import { listenForTasks } from '../store/postgres-store.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import {
  addHttpOptions,
  defaultHttpPort,
  type HttpCliOptions,
  httpFeed,
  startHttp,
} from './http-options.js';
import { openRuntime, type Runtime, type RuntimeOptions, storeLocation } from './open-runtime.js';
import { outcomeExitCode, outcomeLine } from './outcome-text.js';
import { replayCommand } from './replay-command.js';
import { simulatedStoreHint } from './simulated-store-hint.js';

/**
 * Follows tasks to their end, printing a line as each finishes; resolves with the worst exit
 * code (0 all done, 2 one blocked, 1 one cancelled). A task whose runtime stopped under it
 * stays stored and counts as nothing.
 */
async function follow(handles: readonly TaskHandle[], io: CliIo): Promise<number> {
  let worst = 0;
  await Promise.all(
    handles.map(async (handle) => {
      try {
        const outcome = await handle.result;
        io.stdout(`${outcomeLine(outcome)}\n`);
        const code = outcomeExitCode(outcome);
        worst = code === 2 || worst === 2 ? 2 : Math.max(worst, code);
      } catch {
        // Stopped before it ended: still stored, for the next resume.
      }
    }),
  );
  return worst;
}

/**
 * Two-step stop: the first signal lets the work under way finish, for at most
 * `timeouts.stop_grace_seconds`; the second signal, or the end of that grace, stops at once,
 * the unfinished tasks handed back (stored, their leases released) for `cto resume`.
 */
function onStopSignals(io: CliIo, runtime: Runtime, gently: () => void): () => void {
  let signals = 0;
  let grace: NodeJS.Timeout | undefined;
  const now = (why: string) => {
    io.stderr(`${why}: stopping now; unfinished tasks stay stored for \`cto resume\`\n`);
    void runtime.close();
  };
  const off =
    io.onSignal?.((signal) => {
      signals += 1;
      if (signals === 1) {
        const seconds = runtime.source.current().config.timeouts.stop_grace_seconds;
        io.stderr(
          `${signal}: finishing the tasks under way (for up to ${seconds} s); send it again to stop at once\n`,
        );
        grace = setTimeout(() => now(`${seconds} s of grace are over`), seconds * 1_000);
        gently();
      } else {
        clearTimeout(grace);
        now(signal);
      }
    }) ?? (() => {});
  return () => {
    clearTimeout(grace);
    off();
  };
}

/** The serve loop's options, for the commands that serve as `cto serve` does. */
function addServeLoopOptions(command: Command): Command {
  return command
    .option('--poll <ms>', 'how often to look for newly queued tasks', '1000')
    .option('--max-tasks <n>', 'tasks this process works on at once', '100')
    .option(
      '--lease <ms>',
      'how long a task stays with this process if it stops renewing',
      String(defaultLeaseMs),
    );
}

/**
 * `cto serve` (work through the queue until stopped) and `cto resume` (finish every
 * interrupted task, then exit).
 *
 * @example
 * addServeCommands(program, io);
 */
export function addServeCommands(program: Command, io: CliIo): void {
  async function serve(options: ServeOptions, extra: RuntimeOptions = {}): Promise<void> {
    const poll = Number(options.poll);
    if (!Number.isInteger(poll) || poll < 10)
      throw new ExitCode(1, ['--poll: expected milliseconds, at least 10']);
    const maxTasks = Number(options.maxTasks);
    if (!Number.isInteger(maxTasks) || maxTasks < 1)
      throw new ExitCode(1, ['--max-tasks: expected a positive integer']);
    const leaseMs = Number(options.lease);
    if (!Number.isInteger(leaseMs) || leaseMs < 100)
      throw new ExitCode(1, ['--lease: expected milliseconds, at least 100']);
    const feed = httpFeed(options);
    // Task sources hear every stored step too; they start once the orchestrator is there.
    let sourcesHear: (change: TaskChange) => void = () => {};
    const runtime = await openRuntime(
      io,
      { ...program.opts<RuntimeOptions>(), ...extra },
      {
        leaseMs,
        onChange: (change) => {
          feed?.changed(change);
          sourcesHear(change);
        },
        ...(feed ? { onProgress: feed.activity } : {}),
      },
    );
    let serving = true;
    let wake: () => void = () => {};
    const sources = startTaskSources({
      orchestrator: runtime.orchestrator,
      config: runtime.source,
      owner: io.env.CTO_OWNER?.trim() || leaseOwnerId(),
      leaseMs,
      logger: runtime.logger,
      onSubmitted: () => wake(),
    });
    sourcesHear = sources.changed;
    if (!feed && runtime.source.current().taskSources.plane?.webhook)
      io.stderr('plane: webhooks are configured, but without --http none arrive: polling only\n');
    const http = feed
      ? await startHttp(io, runtime, feed, options, () => wake(), sources.routes).catch(
          async (error) => {
            await sources.stop();
            await runtime.close();
            throw error;
          },
        )
      : null;
    const stopSignals = onStopSignals(io, runtime, () => {
      serving = false;
      wake();
    });
    const following: Promise<number>[] = [];
    io.stderr(`serving tasks from the store; log: ${runtime.logFile}\n`);
    // On PostgreSQL a submitted task wakes this process at once; the poll stays as a fallback.
    const location = storeLocation(io, { ...program.opts<RuntimeOptions>(), ...extra });
    const listener = /^postgres(ql)?:\/\//.test(location)
      ? await listenForTasks(location, () => wake()).catch((error: Error) => {
          runtime.logger.warn({ err: error.message }, 'no LISTEN for new tasks; polling only');
          return null;
        })
      : null;
    try {
      while (serving) {
        let handles: TaskHandle[];
        try {
          // Take on no more than --max-tasks at once, leaving the rest to other processes.
          handles = await runtime.orchestrator.resume({ maxTasks });
        } catch (error) {
          // The store failed (or the runtime stopped): nothing more can be done here.
          throw new ExitCode(1, [`cto serve stopped: ${(error as Error).message}`]);
        }
        if (handles.length) following.push(follow(handles, io));
        // A task ending frees room under --max-tasks: look for more at once.
        for (const handle of handles)
          handle.result.then(
            () => wake(),
            () => wake(),
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, poll);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await Promise.all(following);
    } finally {
      stopSignals();
      await sources.stop();
      await http?.close();
      await listener?.close();
      await runtime.close();
    }
  }

  addHttpOptions(program.command('serve'))
    .description(
      'run queued and interrupted tasks until stopped (SIGINT/SIGTERM: finish, twice: stop now)',
    )
    .option('--poll <ms>', 'how often to look for newly queued tasks', '1000')
    .option(
      '--max-tasks <n>',
      'tasks this process works on at once; others wait for it, or for another process',
      '100',
    )
    .option(
      '--lease <ms>',
      'how long a task stays with this process if it stops renewing (it died)',
      String(defaultLeaseMs),
    )
    .action((options: ServeOptions) => serve(options));

  addServeLoopOptions(addHttpOptions(program.command('ui'), { port: false }))
    .description(
      `serve with the HTTP API and the web console (like \`serve --http\`); prints its address, opens nothing`,
    )
    .option('--port <port>', 'the port to listen on (0: any free port)', String(defaultHttpPort))
    .action((options: ServeOptions & { port: string }) =>
      serve({ ...options, http: options.port }),
    );

  addServeLoopOptions(program.command('inspect [task]'))
    .description(
      'serve tasks with the Stately inspector attached (like `serve --inspect`), or replay a stored task into it',
    )
    .option('--port <port>', 'the inspector relay port', '8080')
    .option('--replay', "replay the task's stored event log (no model is called)")
    .option('--speed <x>', 'replay this many times faster than it happened', '1')
    .option('--step', 'replay one event per Enter')
    .action(
      (
        taskId: string | undefined,
        options: ServeOptions & { port: string; replay?: boolean; speed: string; step?: boolean },
      ) => {
        if (taskId && !options.replay)
          throw new ExitCode(1, ['give --replay to replay a stored task']);
        if (options.replay && !taskId)
          throw new ExitCode(1, ['--replay needs the id of a stored task']);
        return taskId
          ? replayCommand(io, program.opts<RuntimeOptions>(), taskId, options)
          : serve(options, { inspect: options.port });
      },
    );

  program
    .command('resume')
    .description('continue every interrupted task to its end')
    .action(async () => {
      const runtime = await openRuntime(io, program.opts<RuntimeOptions>());
      const stopSignals = onStopSignals(io, runtime, () => void runtime.close());
      try {
        const handles = await runtime.orchestrator.resume();
        const { notResumed } = await runtime.orchestrator.status();
        for (const { id, reason } of notResumed) io.stderr(`not resumed: ${id}: ${reason}\n`);
        if (handles.length === 0) {
          io.stdout('nothing to resume\n');
          const hint = simulatedStoreHint(io, program.opts<RuntimeOptions>());
          if (hint) io.stderr(`${hint}\n`);
          return;
        }
        io.stderr(`resuming ${handles.length} task(s)\n`);
        const code = await follow(handles, io);
        if (code !== 0) throw new ExitCode(code);
      } finally {
        stopSignals();
        await runtime.close();
      }
    });
}
