import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findClaudeExecutable } from '../../agents/find-claude-executable.js';

const base = {
  path: '/usr/bin:/opt/bin:/work/node_modules/.bin:bin',
  untrusted: ['/work'],
  packageRoot: '/pkg',
};

describe('finding the Claude Code CLI', () => {
  it('takes the configured command, then PATH, then beside the package; never from a task', () => {
    const only = (path: string) => (candidate: string) => candidate === path;
    expect(
      findClaudeExecutable({ ...base, configured: '/x/claude', isExecutable: () => true }),
    ).toBe('/x/claude');
    expect(
      findClaudeExecutable({ ...base, configured: null, isExecutable: only('/opt/bin/claude') }),
    ).toBe('/opt/bin/claude');
    // A model could have written these: a task's directory, and a relative PATH entry.
    for (const planted of ['/work/node_modules/.bin/claude', 'bin/claude']) {
      expect(() =>
        findClaudeExecutable({ ...base, configured: null, isExecutable: only(planted) }),
      ).toThrow(/^the Claude Code CLI was not found/);
    }
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
    ).toThrow(
      /^the Claude Code CLI was not found on PATH, in node_modules\/.bin or as the optional dependency/,
    );
  });

  it('finds the optional dependency where the installer hoisted it, beside this package', () => {
    const project = mkdtempSync(join(tmpdir(), 'cto-installed-'));
    const own = join(project, 'node_modules', 'cto-orchestrator');
    const cli = join(project, 'node_modules', '@anthropic-ai', 'claude-code');
    mkdirSync(own, { recursive: true });
    mkdirSync(join(cli, 'bin'), { recursive: true });
    writeFileSync(join(own, 'package.json'), '{"name": "cto-orchestrator", "version": "1.0.0"}');
    writeFileSync(
      join(cli, 'package.json'),
      '{"name": "@anthropic-ai/claude-code", "bin": {"claude": "bin/claude.exe"}}',
    );
    writeFileSync(join(cli, 'bin', 'claude.exe'), '#!/bin/sh\n', { mode: 0o755 });
    expect(
      findClaudeExecutable({ configured: null, path: '', untrusted: [], packageRoot: own }),
    ).toBe(join(cli, 'bin', 'claude.exe'));
  });
});
