import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const made: string[] = [];
// The installed project is large (the Claude Code binary, native modules): removing it takes time.
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
}, 300_000);

/** Runs a command in `cwd` with a clean environment; its output, whatever its exit code. */
async function sh(cwd: string, command: string, args: string[], timeout = 600_000) {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, CI: 'true' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// One test, slow by nature (a real `npm pack` and `npm install` of the tarball, native modules
// built): what a user who installs the package gets.
describe('the package as a user installs it', () => {
  it('runs a simulated task through Claude Code, and loads with import and with require', async () => {
    const packed = mkdtempSync(join(tmpdir(), 'cto-pack-'));
    const project = mkdtempSync(join(tmpdir(), 'cto-user-'));
    made.push(packed, project);
    const pack = await sh(root, 'npm', ['pack', '--pack-destination', packed, '--silent']);
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    writeFileSync(join(project, 'package.json'), '{ "name": "a-user-project", "private": true }\n');
    const install = await sh(project, 'npm', [
      'install',
      join(packed, tarball as string),
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
    ]);
    expect(install.code, install.stderr).toBe(0);

    const task = await sh(project, 'npx', [
      'cto',
      'run',
      '--simulate',
      '--json',
      'Add a --json flag to the status command',
      '--type',
      'coding',
    ]);
    expect(task.code, task.stderr).toBe(0);
    const outcome = JSON.parse(task.stdout);
    // The escalated attempt ran on a Claude model, through the CLI the package brought along.
    expect(outcome).toMatchObject({ status: 'done', model: 'sonnet', attempts: 2 });
    expect(outcome.decisions.join('\n')).not.toContain('Claude Code CLI was not found');

    const probe = 'typeof m.createOrchestrator + " " + typeof m.taskMachine';
    const imported = await sh(project, 'node', [
      '--input-type=module',
      '-e',
      `const m = await import('cto-orchestrator'); console.log(${probe});`,
    ]);
    expect(imported.stdout.trim(), imported.stderr).toBe('function object');
    const required = await sh(project, 'node', [
      '-e',
      `const m = require('cto-orchestrator'); console.log(${probe});`,
    ]);
    expect(required.stdout.trim(), required.stderr).toBe('function object');
    const testing = await sh(project, 'node', [
      '-e',
      "console.log(typeof require('cto-orchestrator/testing').startOpenAiCompatibleServer)",
    ]);
    expect(testing.stdout.trim(), testing.stderr).toBe('function');
  }, 900_000);
});
