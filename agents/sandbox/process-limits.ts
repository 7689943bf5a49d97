import { existsSync } from 'node:fs';
import type { SandboxLimits } from '../../src/config/sandbox-settings-schema.js';

const MIB = 1024 * 1024;
const PRLIMIT = '/usr/bin/prlimit';

function ulimitLine(limits: Required<SandboxLimits>): string {
  return [
    `-u ${limits.processes}`,
    `-d ${limits.memory_mb * 1024}`,
    `-f ${limits.file_size_mb * 1024}`,
    `-t ${limits.cpu_seconds}`,
    `-n ${limits.open_files}`,
    '-c 0',
  ]
    .map((option) => `ulimit -S -H ${option}`)
    .join(' && ');
}

/**
 * The command that starts `file` under the per-process resource limits. A bash script (the
 * tools' commands and git) sets them itself with `ulimit` before its first line, which costs
 * no extra program; anything else starts under util-linux's `prlimit`, or bash's `ulimit`
 * where `prlimit` is missing. Core dumps are off (a crashing program would otherwise write
 * its memory into the task directory).
 *
 * The process limit (`RLIMIT_NPROC`) counts per user namespace, so inside the sandbox it
 * bounds the sandbox alone; the kernel does not apply it to root, for whom
 * `createSandboxCgroup` bounds the whole sandbox instead.
 *
 * @example
 * withLimits('git', ['status'], limits);
 * // { file: '/usr/bin/prlimit', args: ['--nproc=512', '--data=8589934592', …, '--', 'git', 'status'] }
 */
export function withLimits(
  file: string,
  args: readonly string[],
  limits: Required<SandboxLimits>,
  hasPrlimit = existsSync(PRLIMIT),
): { file: string; args: string[] } {
  const [flag, script, ...rest] = args;
  if (file === 'bash' && flag === '-c' && script !== undefined) {
    return { file, args: ['-c', `${ulimitLine(limits)} || exit 125\n${script}`, ...rest] };
  }
  if (hasPrlimit) {
    return {
      file: PRLIMIT,
      args: [
        `--nproc=${limits.processes}`,
        `--data=${limits.memory_mb * MIB}`,
        `--fsize=${limits.file_size_mb * MIB}`,
        `--cpu=${limits.cpu_seconds}`,
        `--nofile=${limits.open_files}`,
        '--core=0',
        '--',
        file,
        ...args,
      ],
    };
  }
  return {
    file: 'bash',
    args: ['-c', `${ulimitLine(limits)} && exec "$@"`, 'limits', file, ...args],
  };
}
