import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openTaskDirectory, type TaskDirectory } from '../../agents/tools/task-directory.js';

let base: string;
let root: string;
let files: TaskDirectory;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-taskdir-')));
  root = join(base, 'root');
  mkdirSync(join(root, '.cto'), { recursive: true });
  writeFileSync(join(root, '.cto', 'state.db'), 'state');
  writeFileSync(join(base, 'outside.txt'), 'outside');
  files = openTaskDirectory(root, { hidden: [join(root, '.cto')] });
});

const text = async (path: string) => (await files.read(path, 1_000_000)).toString();

describe('openTaskDirectory', () => {
  it('follows links that stay inside the task, as pnpm lays out node_modules', async () => {
    mkdirSync(join(root, 'node_modules', '.pnpm', 'left-pad@1', 'node_modules', 'left-pad'), {
      recursive: true,
    });
    writeFileSync(
      join(root, 'node_modules', '.pnpm', 'left-pad@1', 'node_modules', 'left-pad', 'index.js'),
      'pad',
    );
    symlinkSync('.pnpm/left-pad@1/node_modules/left-pad', join(root, 'node_modules', 'left-pad'));
    symlinkSync(join(root, 'node_modules'), join(root, 'deps'));
    expect(await text('node_modules/left-pad/index.js')).toBe('pad');
    expect(await text('deps/left-pad/index.js')).toBe('pad');
    expect((await files.list('node_modules/left-pad')).map((e) => e.name)).toEqual(['index.js']);
    await files.write('deps/left-pad/index.js', 'changed');
    expect(
      readFileSync(
        join(root, 'node_modules', '.pnpm', 'left-pad@1', 'node_modules', 'left-pad', 'index.js'),
        'utf8',
      ),
    ).toBe('changed');
  });

  it('reads a file hard-linked from a store outside, and replaces rather than writes through it', async () => {
    // pnpm's store links its files into a project: reading them works, and a write gives the
    // project its own copy, leaving the store (and every other project using it) as it was.
    const store = join(base, 'store-file.js');
    writeFileSync(store, 'from the store');
    linkSync(store, join(root, 'linked.js'));
    expect(await text('linked.js')).toBe('from the store');
    await files.write('linked.js', 'the project’s own');
    expect(readFileSync(store, 'utf8')).toBe('from the store');
    expect(await text('linked.js')).toBe('the project’s own');
  });

  it('refuses a link that leads out, in any component, and never opens its target', async () => {
    symlinkSync(base, join(root, 'up'));
    symlinkSync('../outside.txt', join(root, 'rel'));
    symlinkSync(join(base, 'outside.txt'), join(root, 'abs'));
    for (const path of ['up/outside.txt', 'rel', 'abs']) {
      await expect(files.read(path, 100)).rejects.toThrow(
        `refused: ${path} leads through a link to outside the task directory`,
      );
    }
    await expect(files.write('rel', 'x')).rejects.toThrow(/leads through a link to outside/);
    await expect(files.write('up/new.txt', 'x')).rejects.toThrow(/leads through a link to outside/);
    expect(readFileSync(join(base, 'outside.txt'), 'utf8')).toBe('outside');
  });

  it('refuses paths outside the task by spelling, and the hidden state directory by identity', async () => {
    await expect(files.read('../outside.txt', 100)).rejects.toThrow(
      `refused: ../outside.txt is outside the task directory ${root}`,
    );
    await expect(files.read(join(base, 'outside.txt'), 100)).rejects.toThrow(
      /is outside the task directory/,
    );
    await expect(files.read('.cto/state.db', 100)).rejects.toThrow(
      "refused: .cto/state.db holds the orchestrator's own state",
    );
    await expect(files.write('.cto/x', 'x')).rejects.toThrow("holds the orchestrator's own state");
    symlinkSync('.cto', join(root, 'st'));
    await expect(files.read('st/state.db', 100)).rejects.toThrow(
      "holds the orchestrator's own state",
    );
    expect((await files.list('.')).map((e) => e.name).sort()).toEqual(['st']);
  });

  it('keeps a file’s mode when replacing it, and makes missing parents', async () => {
    writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(root, 'run.sh'), 0o755);
    await files.write('run.sh', '#!/bin/sh\necho hi\n');
    expect(statSync(join(root, 'run.sh')).mode & 0o777).toBe(0o755);
    await files.write('a/b/c/d.txt', 'deep');
    expect(readFileSync(join(root, 'a/b/c/d.txt'), 'utf8')).toBe('deep');
  });

  it('refuses a file larger than asked for before reading it', async () => {
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(2_000));
    await expect(files.read('big.bin', 1_000)).rejects.toThrow(
      'big.bin has 2000 bytes, too many to read; use run_command with head or grep',
    );
  });
});
