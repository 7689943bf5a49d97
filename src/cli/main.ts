#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { processEnvironment } from '../config/config-environment.js';
import { runCli } from './run-cli.js';

/** How long the process may take to end by itself once a command has finished. */
const exitGraceMs = 5_000;

// A reader that stops early (`cto logs --json | head -1`) is not an error: stop writing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const code = await runCli(process.argv.slice(2), {
  ...processEnvironment(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTerminal: process.stdout.isTTY === true,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  ...(process.stdin.isTTY
    ? {
        readLine: () =>
          new Promise<string | null>((resolve) => {
            const lines = createInterface({ input: process.stdin });
            lines.once('line', (line) => {
              lines.close();
              resolve(line);
            });
            lines.once('close', () => resolve(null));
          }),
      }
    : {}),
  onSignal(handler) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
});
process.exitCode = code;

// The command is over. Everything it opened has been closed, so the process ends now; if a
// library still holds it (a socket, a timer), it must not hang the user's shell: say so and go.
const watchdog = setTimeout(() => {
  process.stderr.write(
    `cto: exiting; something was still running ${exitGraceMs} ms after the command ended\n`,
  );
  process.exit(code);
}, exitGraceMs);
watchdog.unref();
