import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTaskRoot, TaskRootError } from '../../agents/sandbox/task-root.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-root-')));
const home = join(base, 'home');
const protect = { home, secrets: [join(home, 'agents')], hidden: [] };
mkdirSync(join(home, 'agents', 'deepseek'), { recursive: true });
mkdirSync(join(home, 'project'), { recursive: true });
symlinkSync(home, join(base, 'home-link'));

describe('checkTaskRoot', () => {
  it('gives the real path of a project directory, in the home or not', () => {
    expect(checkTaskRoot(join(home, 'project'), protect)).toBe(join(home, 'project'));
    expect(checkTaskRoot(join(base, 'home-link', 'project'), protect)).toBe(join(home, 'project'));
  });

  it.each([
    ['/', 'the working directory is /: give a task its project directory (--workdir)'],
    [
      home,
      `the working directory ${home} is your home directory, with your keys and dotfiles: give the task its project directory (--workdir)`,
    ],
    [
      base,
      `the working directory ${base} contains your home directory, with your keys and dotfiles: give the task its project directory (--workdir)`,
    ],
    [
      join(base, 'home-link'),
      `the working directory ${home} is your home directory, with your keys and dotfiles: give the task its project directory (--workdir)`,
    ],
    [
      join(home, 'agents', 'deepseek'),
      `the working directory ${join(home, 'agents', 'deepseek')} lies in ${join(home, 'agents')}, which holds keys`,
    ],
    [join(base, 'missing'), `the task's working directory ${join(base, 'missing')} does not exist`],
  ])('refuses %s in one line', (root, message) => {
    expect(() => checkTaskRoot(root, protect)).toThrow(new TaskRootError(message));
  });
});
