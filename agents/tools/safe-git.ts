import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';

/**
 * Settings that keep git from running a command named in the repository's configuration,
 * which `write_file` alone can set: the file system monitor, hooks, an external diff, a pager
 * or editor, a credential helper, ssh, signing programs.
 */
const SAFETY_SETTINGS = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.editor=true',
  'core.askPass=',
  'core.sshCommand=false',
  'core.alternateRefsCommand=',
  'credential.helper=',
  'diff.external=',
  'sequence.editor=true',
  'commit.gpgsign=false',
  'tag.gpgsign=false',
  'gpg.program=false',
  'protocol.ext.allow=never',
];

/**
 * Runs inside the sandbox as `bash -c SCRIPT git ARGS…`: reads the names of the filter, diff
 * and merge drivers the repository defines (reading runs nothing) and blanks each one's
 * command, so `git status` or `git add` never runs a clean filter, a text conversion or a
 * merge driver, whatever they are called.
 */
const DRIVER_SCRIPT = `drivers=()
while IFS= read -r key; do
  case "$key" in
    filter.*.clean|filter.*.smudge|filter.*.process|diff.*.command|diff.*.textconv|merge.*.driver)
      drivers+=(-c "$key=") ;;
    filter.*.required) drivers+=(-c "$key=false") ;;
  esac
done < <(git config --name-only --get-regexp '^(filter|diff|merge)[.]' 2>/dev/null)
exec "$0" "\${drivers[@]}" "$@"`;

/**
 * The command that runs `git` with `args` and nothing from the repository's configuration
 * that would start another program.
 *
 * @example
 * const { file, args } = safeGitCommand(['status']);
 * await runConfined(confinement, { file, args, root, timeoutMs });
 */
export function safeGitCommand(args: readonly string[]): { file: string; args: string[] } {
  const settings = SAFETY_SETTINGS.flatMap((setting) => ['-c', setting]);
  return { file: 'bash', args: ['-c', DRIVER_SCRIPT, 'git', ...settings, ...args] };
}

/** The first bytes of a gitdir file: a model may have made it huge, or a FIFO meanwhile. */
async function readHead(path: string): Promise<string> {
  const handle = await open(
    path,
    constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
  ).catch(() => null);
  if (!handle) return '';
  try {
    if (!(await handle.stat()).isFile()) return '';
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Why the git tools will not work in `root`, or null: it has no repository of its own, or its
 * `.git` is a file (a worktree or submodule) that points to a repository outside the task
 * directory, which the sandbox does not show and the tools must not follow.
 *
 * @example
 * await gitRefusal('/work/task'); // null, or 'not a git repository: /work/task (run "git init" first)'
 */
export async function gitRefusal(root: string): Promise<string | null> {
  const dotGit = join(root, '.git');
  const info = await lstat(dotGit).catch(() => null);
  if (!info) return `not a git repository: ${root} (run "git init" first)`;
  if (info.isDirectory()) return null;
  if (!info.isFile()) return `refused: ${dotGit} is neither a repository nor a gitdir file`;
  const text = await readHead(dotGit);
  const target = /^gitdir:\s*(.+?)\s*$/m.exec(text)?.[1];
  if (!target) return `refused: ${dotGit} is not a gitdir file`;
  const inside = relative(root, resolve(root, target));
  if (inside.startsWith('..') || isAbsolute(inside)) {
    return `refused: ${dotGit} points to a repository outside the task directory (${target})`;
  }
  return null;
}
