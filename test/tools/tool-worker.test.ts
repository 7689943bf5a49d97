import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createToolWorker,
  type ToolWorker,
  type ToolWorkerOptions,
  toolResultSchema,
} from '../../agents/tools/tool-worker.js';
import { testConfinement } from '../helpers/confinement.js';
import { expectNoProcessWith } from '../helpers/host-processes.js';

let base: string;
let root: string;
let home: string;

/** The environment the orchestrator would have: the user's, plus API keys. */
function orchestratorEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DEEPSEEK_API_KEY: 'sk-deepseek-0123456789',
    ANTHROPIC_API_KEY: 'sk-ant-0123456789',
    GITHUB_TOKEN: 'ghp_0123456789',
    // Keeps git from finding a repository above the temp directory.
    GIT_CEILING_DIRECTORIES: base,
  };
}

function makeWorker(options: Partial<ToolWorkerOptions> = {}): ToolWorker {
  return createToolWorker({
    root,
    modelId: 'deepseek',
    confinement: testConfinement({ home, env: orchestratorEnv() }),
    ...options,
  });
}

function call(worker: ToolWorker, name: string, args: unknown = {}, signal?: AbortSignal) {
  return worker.run(name, JSON.stringify(args), signal);
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: { GIT_CEILING_DIRECTORIES: base } })).stdout;
}

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-tools-')));
  root = join(base, 'root');
  home = join(base, 'home');
  mkdirSync(root);
  mkdirSync(home);
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('file tools', () => {
  it('writes, reads and lists files, creating parent directories', async () => {
    const worker = makeWorker();
    expect(await call(worker, 'write_file', { path: 'src/deep/a.ts', content: 'héllo' })).toEqual({
      ok: true,
      output: 'wrote 6 bytes to src/deep/a.ts',
    });
    expect(readFileSync(join(root, 'src/deep/a.ts'), 'utf8')).toBe('héllo');
    expect(await call(worker, 'read_file', { path: 'src/deep/a.ts' })).toEqual({
      ok: true,
      output: 'héllo',
    });
    expect(await call(worker, 'read_file', { path: join(root, 'src/deep/a.ts') })).toEqual({
      ok: true,
      output: 'héllo',
    });
    await call(worker, 'write_file', { path: 'README.md', content: '' });
    expect(await call(worker, 'list_directory')).toEqual({ ok: true, output: 'README.md\nsrc/' });
    expect(await call(worker, 'list_directory', { path: 'src' })).toEqual({
      ok: true,
      output: 'deep/',
    });
    mkdirSync(join(root, 'empty'));
    expect((await call(worker, 'list_directory', { path: 'empty' })).output).toBe(
      '(empty directory)',
    );
  });

  it('edits by replacing text that occurs exactly once', async () => {
    const worker = makeWorker();
    writeFileSync(join(root, 'a.ts'), 'const a = 1;\nconst b = 1;\n');
    expect(
      await call(worker, 'edit_file', { path: 'a.ts', old_text: 'b = 1', new_text: "b = '$&'" }),
    ).toEqual({ ok: true, output: 'replaced 1 occurrence in a.ts' });
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe("const a = 1;\nconst b = '$&';\n");
    expect(
      await call(worker, 'edit_file', { path: 'a.ts', old_text: 'const', new_text: 'let' }),
    ).toEqual({
      ok: false,
      output:
        'old_text occurs 2 times in a.ts; include more surrounding text so that it occurs once',
    });
    expect(
      await call(worker, 'edit_file', { path: 'a.ts', old_text: 'missing', new_text: 'x' }),
    ).toEqual({ ok: false, output: 'old_text was not found in a.ts' });
    expect(readFileSync(join(root, 'a.ts'), 'utf8')).toBe("const a = 1;\nconst b = '$&';\n");
  });

  it('reports a missing file, a directory read as a file, and a file listed as a directory', async () => {
    const worker = makeWorker();
    writeFileSync(join(root, 'file.txt'), 'x');
    mkdirSync(join(root, 'dir'));
    expect(await call(worker, 'read_file', { path: 'missing.txt' })).toEqual({
      ok: false,
      output: 'no such file or directory: missing.txt',
    });
    expect(
      await call(worker, 'edit_file', { path: 'nope.ts', old_text: 'a', new_text: 'b' }),
    ).toEqual({ ok: false, output: 'no such file or directory: nope.ts' });
    expect(await call(worker, 'read_file', { path: 'dir' })).toEqual({
      ok: false,
      output: 'dir is a directory; use list_directory',
    });
    expect((await call(worker, 'list_directory', { path: 'file.txt' })).ok).toBe(false);
    expect((await call(worker, 'write_file', { path: 'file.txt/x', content: '' })).output).toBe(
      'file.txt/x: a part of the path is not a directory',
    );
  });

  it('gives the real task root as the current directory', async () => {
    expect(await makeWorker().run('get_current_directory', '')).toEqual({ ok: true, output: root });
  });

  it('truncates a long file with the marker', async () => {
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(1_000));
    const result = await call(makeWorker({ maxOutputBytes: 100 }), 'read_file', {
      path: 'big.txt',
    });
    expect(result).toEqual({
      ok: true,
      output: `${'x'.repeat(100)}\n… [output truncated: 900 more bytes]`,
    });
  });
});

describe('run_command', () => {
  it('runs in the task root and reports the exit code with stdout and stderr', async () => {
    const worker = makeWorker();
    expect(await call(worker, 'run_command', { command: 'pwd' })).toEqual({
      ok: true,
      output: `exit code 0\n${root}\n`,
    });
    const failed = await call(worker, 'run_command', { command: 'echo out; echo err >&2; exit 3' });
    expect(failed.ok).toBe(false);
    expect(failed.output.split('\n')[0]).toBe('exit code 3');
    expect(failed.output).toContain('out\n');
    expect(failed.output).toContain('err\n');
    expect(await call(worker, 'run_command', { command: 'true' })).toEqual({
      ok: true,
      output: 'exit code 0',
    });
  });

  it('closes stdin, so a command waiting for input ends at once', async () => {
    expect(await call(makeWorker(), 'run_command', { command: 'cat' })).toEqual({
      ok: true,
      output: 'exit code 0',
    });
  });

  it('refuses a plainly destructive command without running it', async () => {
    const result = await call(makeWorker(), 'run_command', {
      command: 'touch ran.txt; rm -rf /',
    });
    expect(result).toEqual({
      ok: false,
      output:
        'refused: rm -r / deletes the whole task directory or more; delete the files you mean by name',
    });
    expect(existsSync(join(root, 'ran.txt'))).toBe(false);
  });

  it('gives children no API keys, tokens or secrets, and the model as git identity', async () => {
    const result = await call(makeWorker(), 'run_command', { command: 'env' });
    expect(result.ok).toBe(true);
    expect(result.output).not.toMatch(/DEEPSEEK_API_KEY|ANTHROPIC_API_KEY|GITHUB_TOKEN/);
    expect(result.output).not.toContain('0123456789');
    expect(result.output).toMatch(/^PATH=/m);
    expect(result.output).toContain('GIT_AUTHOR_NAME=deepseek (cto-orchestrator)\n');
    expect(result.output).toContain('GIT_COMMITTER_EMAIL=deepseek@cto-orchestrator.invalid\n');
    // `~` is the sandbox's own empty home, not the user's.
    expect(result.output).toContain('HOME=/tmp/home\n');
    expect(result.output).not.toContain(home);
  });

  it('kills the command and every process it started at the timeout', async () => {
    const worker = makeWorker({ defaultTimeoutMs: 300 });
    const started = Date.now();
    const result = await call(worker, 'run_command', {
      command: 'sleep 100.5 & echo started > sleep.pid; wait',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.ok).toBe(false);
    expect(result.output).toBe(
      'timed out after 0.3 s; the command and every process it started were killed',
    );
    await expectNoProcessWith('sleep 100.5');
  });

  it('does not let a background process outlive its command', async () => {
    const result = await call(makeWorker(), 'run_command', {
      command: 'sleep 100.25 > /dev/null 2>&1 & setsid sleep 100.25 & echo $!',
    });
    expect(result.ok).toBe(true);
    await expectNoProcessWith('sleep 100.25');
  });

  // A cancelled call has no result: the caller must not record it as finished.
  it('kills a running command when the task is cancelled, and rejects', async () => {
    const controller = new AbortController();
    const running = call(
      makeWorker(),
      'run_command',
      { command: 'sleep 100.75 & echo $! > sleep.pid; wait' },
      controller.signal,
    );
    await vi.waitFor(() => expect(existsSync(join(root, 'sleep.pid'))).toBe(true));
    await vi.waitFor(() => expect(readFileSync(join(root, 'sleep.pid'), 'utf8')).toMatch(/\d/));
    const started = Date.now();
    controller.abort();
    const error = await running.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'AbortError',
      message: 'cancelled: the task was cancelled',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectNoProcessWith('sleep 100.75');
  });

  it('runs nothing once the task is cancelled, and rejects', async () => {
    const controller = new AbortController();
    controller.abort();
    for (const [name, args] of [
      ['run_command', { command: 'touch ran.txt' }],
      ['write_file', { path: 'written.txt', content: 'x' }],
      ['no_such_tool', {}],
    ] as const) {
      await expect(call(makeWorker(), name, args, controller.signal)).rejects.toThrow(
        /^cancelled: the task was cancelled$/,
      );
    }
    expect(existsSync(join(root, 'ran.txt'))).toBe(false);
    expect(existsSync(join(root, 'written.txt'))).toBe(false);
  });

  it('rejects a git tool whose task is cancelled while it runs', async () => {
    await git(root, 'init', '-q', '-b', 'main');
    const controller = new AbortController();
    const worker = makeWorker();
    const running = call(worker, 'git_status', {}, controller.signal);
    controller.abort();
    await expect(running).rejects.toThrow('cancelled: the task was cancelled');
  });

  it('keeps a command timing out a normal failed result, not a rejection', async () => {
    const controller = new AbortController();
    const result = await call(
      makeWorker(),
      'run_command',
      { command: 'sleep 100', timeout_seconds: 0.3 },
      controller.signal,
    );
    expect(result).toEqual({
      ok: false,
      output: 'timed out after 0.3 s; the command and every process it started were killed',
    });
    expect(controller.signal.aborted).toBe(false);
  });

  it('truncates long output with the marker', async () => {
    const result = await call(makeWorker({ maxOutputBytes: 100 }), 'run_command', {
      command: "head -c 5000 /dev/zero | tr '\\0' a",
    });
    expect(result).toEqual({
      ok: true,
      output: `exit code 0\n${'a'.repeat(100)}\n… [output truncated: 4900 more bytes]`,
    });
  });
});

describe('git tools', () => {
  beforeEach(async () => {
    await git(root, 'init', '-q', '-b', 'main');
  });

  it('shows status and diffs, and commits as the model', async () => {
    const worker = makeWorker();
    await call(worker, 'write_file', { path: 'a.txt', content: 'one\n' });
    expect((await call(worker, 'git_status')).output).toContain('a.txt');
    const first = await call(worker, 'git_commit', { message: 'Add a.txt' });
    expect(first.ok).toBe(true);
    expect(first.output).toContain('Add a.txt');
    expect(await git(root, 'log', '--format=%an%ae|%cn%ce')).toBe(
      'deepseek (cto-orchestrator)deepseek@cto-orchestrator.invalid|deepseek (cto-orchestrator)deepseek@cto-orchestrator.invalid',
    );

    await call(worker, 'edit_file', { path: 'a.txt', old_text: 'one', new_text: 'two' });
    const diff = await call(worker, 'git_diff');
    expect(diff.ok).toBe(true);
    expect(diff.output).toContain('-one\n+two');
    expect(await call(worker, 'git_diff', { staged: true })).toEqual({
      ok: true,
      output: '(no staged changes)',
    });
    await call(worker, 'run_command', { command: 'git add a.txt' });
    expect((await call(worker, 'git_diff', { staged: true })).output).toContain('+two');
    expect(await call(worker, 'git_diff')).toEqual({ ok: true, output: '(no unstaged changes)' });
  });

  it('stages everything, new files included, and says when there is nothing to commit', async () => {
    const worker = makeWorker();
    await call(worker, 'write_file', { path: 'new/b.txt', content: 'b' });
    expect((await call(worker, 'git_commit', { message: 'Add b' })).ok).toBe(true);
    expect(await git(root, 'ls-files')).toBe('new/b.txt');
    const empty = await call(worker, 'git_commit', { message: 'Nothing' });
    expect(empty.ok).toBe(false);
    expect(empty.output).toMatch(/^exit code 1\n[\s\S]*nothing to commit/);
  });

  it('gives a commit made through run_command the model identity too', async () => {
    const worker = makeWorker();
    await call(worker, 'write_file', { path: 'c.txt', content: 'c' });
    await call(worker, 'run_command', { command: 'git add -A && git commit -qm "by hand"' });
    expect(await git(root, 'log', '--format=%an%ae')).toBe(
      'deepseek (cto-orchestrator)deepseek@cto-orchestrator.invalid',
    );
  });

  it('does not reach a repository above the task directory: it lies outside the sandbox', async () => {
    const pkg = join(root, 'pkg');
    mkdirSync(pkg);
    writeFileSync(join(root, 'outside.txt'), 'not the task’s');
    const worker = makeWorker({ root: pkg });
    await call(worker, 'write_file', { path: 'inside.txt', content: 'mine' });
    expect(await call(worker, 'git_commit', { message: 'Package only' })).toEqual({
      ok: false,
      output: `not a git repository: ${pkg} (run "git init" first)`,
    });
    const inside = await call(worker, 'run_command', { command: 'git status' });
    expect(inside.ok).toBe(false);
    expect(await git(root, 'status', '--porcelain')).toBe('?? outside.txt\n?? pkg/');
  });
});

describe('bad calls never throw', () => {
  it('says a root that is not a git repository is not one', async () => {
    const worker = makeWorker();
    for (const name of ['git_status', 'git_diff', 'git_commit']) {
      const args = name === 'git_commit' ? { message: 'x' } : {};
      expect(await call(worker, name, args)).toEqual({
        ok: false,
        output: `not a git repository: ${root} (run "git init" first)`,
      });
    }
  });

  it('answers an unknown tool, bad JSON and arguments that fail the schema', async () => {
    const worker = makeWorker();
    expect(await worker.run('delete_everything', '{}')).toEqual({
      ok: false,
      output:
        'unknown tool "delete_everything"; the tools are read_file, write_file, edit_file, run_command, list_directory, get_current_directory, git_status, git_diff, git_commit',
    });
    expect(await worker.run('toString', '{}')).toMatchObject({ ok: false });
    const badJson = await worker.run('read_file', '{"path": "a.txt"');
    expect(badJson.ok).toBe(false);
    expect(badJson.output).toMatch(/^the arguments of read_file are not valid JSON: /);
    expect(await worker.run('write_file', '{"path":"a.txt"}')).toEqual({
      ok: false,
      output:
        'invalid arguments for write_file: content: Invalid input: expected string, received undefined',
    });
    expect(await worker.run('read_file', '{"path":42}')).toEqual({
      ok: false,
      output:
        'invalid arguments for read_file: path: Invalid input: expected string, received number',
    });
    expect(await worker.run('read_file', '{"path":"a","mode":"r"}')).toEqual({
      ok: false,
      output: 'invalid arguments for read_file: Unrecognized key: "mode"',
    });
    expect(await worker.run('run_command', '{"command":"ls","timeout_seconds":-1}')).toEqual({
      ok: false,
      output:
        'invalid arguments for run_command: timeout_seconds: Too small: expected number to be >0',
    });
    expect((await worker.run('read_file', '[]')).ok).toBe(false);
    expect((await worker.run('read_file', 'null')).ok).toBe(false);
    expect((await worker.run('read_file', undefined as unknown as string)).ok).toBe(false);
  });

  it('fails every call cleanly when the root does not exist', async () => {
    const result = await makeWorker({ root: join(base, 'gone') }).run('list_directory', '{}');
    expect(result).toEqual({
      ok: false,
      output: `the task's working directory ${join(base, 'gone')} does not exist`,
    });
  });

  it('returns results of the ToolResult shape', async () => {
    const result = await makeWorker().run('get_current_directory', '{}');
    expect(toolResultSchema.parse(result)).toEqual(result);
  });
});
