import { describe, expect, it } from 'vitest';
import { findClaudeExecutable } from '../../agents/find-claude-executable.js';

const base = { path: '/usr/bin:/opt/bin', cwd: '/work', packageRoot: '/pkg' };

describe('finding the Claude Code CLI', () => {
  it('takes the configured command, then PATH, then node_modules/.bin here, then beside the package', () => {
    const only = (path: string) => (candidate: string) => candidate === path;
    expect(
      findClaudeExecutable({ ...base, configured: '/x/claude', isExecutable: () => true }),
    ).toBe('/x/claude');
    expect(
      findClaudeExecutable({ ...base, configured: null, isExecutable: only('/opt/bin/claude') }),
    ).toBe('/opt/bin/claude');
    expect(
      findClaudeExecutable({
        ...base,
        configured: null,
        isExecutable: only('/work/node_modules/.bin/claude'),
      }),
    ).toBe('/work/node_modules/.bin/claude');
    expect(
      findClaudeExecutable({
        ...base,
        configured: null,
        isExecutable: only('/pkg/node_modules/.bin/claude'),
      }),
    ).toBe('/pkg/node_modules/.bin/claude');
  });

  it('says in one line what is missing, not worth a retry', () => {
    expect(() =>
      findClaudeExecutable({ ...base, configured: '/x/claude', isExecutable: () => false }),
    ).toThrow('claude_code.command /x/claude is not an executable file');
    expect(() =>
      findClaudeExecutable({ ...base, configured: null, isExecutable: () => false }),
    ).toThrow(/^the Claude Code CLI was not found on PATH or in node_modules\/.bin/);
  });
});
