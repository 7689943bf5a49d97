import { mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeEach, describe, expect, it } from 'vitest';
import { createToolWorker, type ToolWorker } from '../../agents/tools/tool-worker.js';
import { testConfinement } from '../helpers/confinement.js';

// What a model does all day must still work inside the sandbox.
let root: string;
let worker: ToolWorker;

beforeEach(() => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-work-')));
  root = join(base, 'project');
  const home = join(base, 'home');
  mkdirSync(root);
  mkdirSync(home);
  worker = createToolWorker({ root, modelId: 'deepseek', confinement: testConfinement({ home }) });
});

const call = (name: string, args: unknown) => worker.run(name, JSON.stringify(args));

describe('ordinary work in the sandbox', () => {
  it("runs a project's tests with npm test", async () => {
    await call('write_file', {
      path: 'package.json',
      content: JSON.stringify({
        name: 'fixture',
        private: true,
        type: 'module',
        scripts: { test: 'node --test' },
      }),
    });
    await call('write_file', {
      path: 'test/add.test.js',
      content:
        "import test from 'node:test';\nimport assert from 'node:assert';\ntest('adds', () => assert.equal(1 + 1, 2));\n",
    });
    const result = await call('run_command', { command: 'npm test 2>&1' });
    expect(result.ok).toBe(true);
    expect(result.output).toMatch(/# pass 1/);
    const failing = await call('write_file', {
      path: 'test/sub.test.js',
      content:
        "import test from 'node:test';\nimport assert from 'node:assert';\ntest('subtracts', () => assert.equal(2 - 1, 0));\n",
    });
    expect(failing.ok).toBe(true);
    const red = await call('run_command', { command: 'npm test 2>&1' });
    expect(red.ok).toBe(false);
    expect(red.output).toMatch(/# fail 1/);
  });

  it('builds with the usual tools: make, python, a compiler, temporary files', async () => {
    await call('write_file', {
      path: 'Makefile',
      content: 'out.txt:\n\tpython3 -c "print(6*7)" > $@\n',
    });
    await call('write_file', { path: 'hello.c', content: 'int main(void) { return 0; }\n' });
    const result = await call('run_command', {
      command:
        'make -s && cat out.txt && cc -o hello hello.c && ./hello && echo built && t=$(mktemp) && echo tmp > $t && cat $t',
    });
    expect(result).toEqual({ ok: true, output: 'exit code 0\n42\nbuilt\ntmp\n' });
  });

  it('works with git: init, status, diff and commit, as the model', async () => {
    expect((await call('run_command', { command: 'git init -q -b main' })).ok).toBe(true);
    await call('write_file', { path: 'a.txt', content: 'one\n' });
    expect((await call('git_status', {})).output).toContain('a.txt');
    expect((await call('git_commit', { message: 'Add a' })).ok).toBe(true);
    await call('edit_file', { path: 'a.txt', old_text: 'one', new_text: 'two' });
    expect((await call('git_diff', {})).output).toContain('-one\n+two');
    const log = await execa('git', ['log', '--format=%an'], { cwd: root });
    expect(log.stdout).toBe('deepseek (cto-orchestrator)');
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('two\n');
  });
});
