import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seccompFilter } from './seccomp-filter.js';

let programFile: string | null | undefined;

/**
 * The seccomp program of this machine's architecture, written once per process into a
 * directory only this user can enter (a file another user could swap would be a hole), and
 * removed at exit; null where there is no program for the architecture.
 *
 * @example
 * seccompProgramFile(); // '/tmp/cto-seccomp-Ab12/filter.bpf'
 */
export function seccompProgramFile(): string | null {
  if (programFile !== undefined) return programFile;
  const program = seccompFilter();
  if (!program) {
    programFile = null;
    return programFile;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cto-seccomp-'));
  programFile = join(dir, 'filter.bpf');
  writeFileSync(programFile, program, { mode: 0o600 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return programFile;
}

const SCRIPT = `n=$1; shift
while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done
f=$1; shift
if [ "$f" = - ]; then exec "$@"; else exec "$@" 3<"$f"; fi`;

/**
 * The command that starts bubblewrap: it first enters the sandbox's cgroups (so that nothing
 * it starts escapes their limits) and opens the seccomp program as file descriptor 3 for
 * `--seccomp 3`. Without either, bubblewrap is started as it is.
 *
 * @example
 * launchCommand({ procs: cgroup.procs, seccomp: seccompProgramFile(), file: 'bwrap', args });
 */
export function launchCommand(options: {
  procs: readonly string[];
  seccomp: string | null;
  file: string;
  args: readonly string[];
}): { file: string; args: string[] } {
  if (options.procs.length === 0 && !options.seccomp) {
    return { file: options.file, args: [...options.args] };
  }
  return {
    file: '/bin/sh',
    args: [
      '-c',
      SCRIPT,
      'sh',
      String(options.procs.length),
      ...options.procs,
      options.seccomp ?? '-',
      options.file,
      ...options.args,
    ],
  };
}
