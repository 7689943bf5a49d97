import { mkdirSync, mkdtempSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLimits } from '../../agents/sandbox/process-limits.js';
import { runConfined } from '../../agents/sandbox/run-confined.js';
import { seccompFilter } from '../../agents/sandbox/seccomp-filter.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { testConfinement } from '../helpers/confinement.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-seccomp-')));
const root = join(base, 'root');
const home = join(base, 'home');
mkdirSync(root);
mkdirSync(home);

function run(script: string, limits = {}) {
  return runConfined(
    testConfinement({ home, limits: { ...defaultConfig().sandbox.limits, ...limits } }),
    {
      file: 'bash',
      args: ['-c', script],
      root,
      timeoutMs: 30_000,
    },
  );
}

describe('the seccomp program', () => {
  it('is a program for x86-64 and arm64, checking the architecture first and allowing by default', () => {
    for (const arch of ['x64', 'arm64']) {
      const program = seccompFilter(arch) as Buffer;
      expect(program.length % 8).toBe(0);
      // ld [4] (the architecture), then the last instruction: ret ALLOW.
      expect([program.readUInt16LE(0), program.readUInt32LE(4)]).toEqual([0x20, 4]);
      expect([
        program.readUInt16LE(program.length - 8),
        program.readUInt32LE(program.length - 4),
      ]).toEqual([0x06, 0x7fff0000]);
    }
    expect(seccompFilter('riscv64')).toBeNull();
  });

  it('refuses setuid and setgid bits, extended attributes and keyrings; ordinary modes work', async () => {
    const outcome = await run(`
      cp /bin/true t && chmod 755 t && echo chmod-ok
      chmod 4755 t 2>/dev/null || echo setuid-refused
      chmod g+s t 2>/dev/null || echo setgid-refused
      python3 -c "import os; os.close(os.open('s', os.O_CREAT | os.O_WRONLY, 0o4755))" 2>/dev/null || echo open-setuid-refused
      python3 -c "import os; os.close(os.open('n', os.O_CREAT | os.O_WRONLY, 0o644))" && echo open-ok
      python3 -c "import os; os.setxattr('n', 'user.x', b'1')" 2>/dev/null || echo xattr-refused
      python3 -c "import ctypes; l = ctypes.CDLL(None, use_errno=True); print('keyctl', l.syscall(250, 0, -3), ctypes.get_errno())"
      mkfifo f && echo fifo-ok`);
    expect(outcome.output.trim().split('\n')).toEqual([
      'chmod-ok',
      'setuid-refused',
      'setgid-refused',
      'open-setuid-refused',
      'open-ok',
      'xattr-refused',
      'keyctl -1 1',
      'fifo-ok',
    ]);
    expect(statSync(join(root, 't')).mode & 0o7777).toBe(0o755);
  });
});

describe('limits', () => {
  it('sets them in a bash script itself; starts anything else under prlimit, or ulimit without it', () => {
    const script = withLimits('bash', ['-c', 'make', 'arg0'], defaultConfig().sandbox.limits);
    expect(script.file).toBe('bash');
    expect(script.args[1]).toMatch(/^ulimit -S -H -u 512 && .* -c 0 \|\| exit 125\nmake$/);
    expect(script.args[2]).toBe('arg0');
    const limits = { ...defaultConfig().sandbox.limits, processes: 64, memory_mb: 512 };
    expect(withLimits('git', ['status'], limits, true)).toEqual({
      file: '/usr/bin/prlimit',
      args: [
        '--nproc=64',
        '--data=536870912',
        '--fsize=2147483648',
        '--cpu=900',
        '--nofile=4096',
        '--core=0',
        '--',
        'git',
        'status',
      ],
    });
    const fallback = withLimits('git', ['status'], limits, false);
    expect(fallback.file).toBe('bash');
    expect(fallback.args.slice(-3)).toEqual(['limits', 'git', 'status']);
    expect(fallback.args[1]).toContain('ulimit -S -H -u 64');
  });

  it('applies them inside: a file past the size limit is cut, /tmp is as large as configured', async () => {
    const outcome = await run(
      'ulimit -f; ulimit -d; ulimit -n; (dd if=/dev/zero of=big bs=1M count=3 2>/dev/null); stat -c %s big; df -m /tmp | tail -1 | tr -s " " | cut -d" " -f2',
      { file_size_mb: 2, memory_mb: 300, open_files: 100, tmp_mb: 64 },
    );
    const lines = outcome.output.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['2048', String(300 * 1024), '100']); // bash counts KiB blocks
    expect(lines[3]).toMatch(/File size limit exceeded/);
    expect(lines.slice(4)).toEqual([String(2 * 1024 * 1024), '64']);
  });
});
