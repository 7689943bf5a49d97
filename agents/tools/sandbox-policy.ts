import { normalize } from 'node:path';
import { z } from 'zod';
import { parseShellCommand, type ShellCommand } from './parse-shell-command.js';
import { operandsOf, unwrap, unwrapCommand } from './unwrap-command.js';

/*
 * What the tools tell a model they will not do, before the sandbox would stop it. Pure. This
 * is a courtesy, not the boundary: the operating system's sandbox (agents/sandbox/) is what
 * confines a command, whatever its text says, so these rules only name the plainly destructive
 * commands a model may reach for (wiping the task directory, formatting a disk, a fork bomb,
 * sudo, force pushes, a downloaded script piped into a shell) and answer with a reason it can
 * act on. A command they let through is still confined; one they miss does no more harm.
 */

/** A rule's answer; a refusal carries one line that is sent back to the model as it is. */
export const policyDecisionSchema = z.discriminatedUnion('allowed', [
  z.object({ allowed: z.literal(true) }),
  z.object({ allowed: z.literal(false), reason: z.string() }),
]);
export type PolicyDecision = z.infer<typeof policyDecisionSchema>;

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
export const MAX_COMMAND_TIMEOUT_MS = 300_000;

const ALLOWED: PolicyDecision = { allowed: true };

function refuse(reason: string): PolicyDecision {
  return { allowed: false, reason: `refused: ${reason.replace(/\s+/g, ' ')}` };
}

/**
 * The time a command may run: the model's request in seconds, else the default; never more
 * than 300 s. A non-positive or non-numeric request gets the default (the tool schema already
 * tells the model so; this keeps the rule total for any caller).
 *
 * @example
 * commandTimeoutMs(); // 120000
 * commandTimeoutMs(900); // 300000
 */
export function commandTimeoutMs(
  requestedSeconds?: number,
  defaultMs = DEFAULT_COMMAND_TIMEOUT_MS,
): number {
  if (requestedSeconds === undefined || !(requestedSeconds > 0)) {
    return Math.min(defaultMs, MAX_COMMAND_TIMEOUT_MS);
  }
  return Math.min(Math.round(requestedSeconds * 1000), MAX_COMMAND_TIMEOUT_MS);
}

/**
 * Cuts text to at most `limitBytes` bytes of UTF-8 (never inside a character) and says how
 * much was left out. The marker comes on top of the limit.
 *
 * @example
 * truncateOutput('a'.repeat(10), 4); // 'aaaa\n… [output truncated: 6 more bytes]'
 */
export function truncateOutput(text: string, limitBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= limitBytes) return text;
  let cut = Math.max(0, limitBytes);
  // Continuation bytes (10xxxxxx) belong to the character before them.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  const kept = new TextDecoder().decode(bytes.subarray(0, cut));
  return `${kept}\n… [output truncated: ${bytes.length - cut} more bytes]`;
}

/**
 * The git author and committer for commits made by a model, so its work is never attributed to
 * the user. The `.invalid` domain can never be a real address.
 *
 * @example
 * gitIdentity('deepseek'); // { name: 'deepseek (cto-orchestrator)', email: 'deepseek@cto-orchestrator.invalid' }
 */
export function gitIdentity(modelId: string): { name: string; email: string } {
  const name = modelId.replace(/[<>\r\n]/g, '');
  const local = modelId.replace(/[^A-Za-z0-9._-]+/g, '-');
  return { name: `${name} (cto-orchestrator)`, email: `${local}@cto-orchestrator.invalid` };
}

// ---- commands ----

const MAX_NESTING = 8;
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh']);

const REFUSED_COMMANDS: Record<string, string> = {
  sudo: 'privilege escalation is not allowed',
  su: 'privilege escalation is not allowed',
  doas: 'privilege escalation is not allowed',
  pkexec: 'privilege escalation is not allowed',
  shutdown: 'it stops the machine',
  reboot: 'it stops the machine',
  halt: 'it stops the machine',
  poweroff: 'it stops the machine',
  killall5: 'it kills every process',
  mke2fs: 'it formats or partitions disks',
  mkswap: 'it formats or partitions disks',
  wipefs: 'it formats or partitions disks',
  fdisk: 'it formats or partitions disks',
  sfdisk: 'it formats or partitions disks',
  cfdisk: 'it formats or partitions disks',
  gdisk: 'it formats or partitions disks',
  sgdisk: 'it formats or partitions disks',
  parted: 'it formats or partitions disks',
  blkdiscard: 'it formats or partitions disks',
};

const MACHINE_STOPPING_UNITS = new Set([
  'poweroff',
  'reboot',
  'halt',
  'kexec',
  'suspend',
  'hibernate',
  'hybrid-sleep',
  'suspend-then-hibernate',
  'rescue',
  'emergency',
]);

/** Files that are a process's own stdin: `bash /dev/stdin` and `sh -` read the pipe. */
const STDIN_FILES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

type ShellInput =
  | { kind: 'script'; script: string; index: number }
  | { kind: 'file'; index: number }
  | { kind: 'stdin' };

/** The script a shell is given: with `-c` the first operand, else a file, else stdin (`-s`). */
function shellInput(args: readonly string[]): ShellInput {
  let runsString = false;
  let readsStdin = false;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] ?? '';
    if (['--rcfile', '--init-file'].includes(arg)) k++;
    else if (/^[-+][a-zA-Z]+$/.test(arg)) {
      runsString ||= arg.startsWith('-') && arg.includes('c');
      readsStdin ||= arg.startsWith('-') && arg.includes('s');
      // `-o pipefail`, and `-euo pipefail`: the option name is the next word.
      if (/[oO]$/.test(arg)) k++;
    } else if (!arg.startsWith('--')) {
      if (runsString) return { kind: 'script', script: arg, index: k };
      return readsStdin || STDIN_FILES.has(arg) ? { kind: 'stdin' } : { kind: 'file', index: k };
    }
  }
  return { kind: 'stdin' };
}

/** Interpreters, and their options that give the program on the command line or take a value. */
const INTERPRETERS: { name: RegExp; inline: string; valued: string[] }[] = [
  { name: /^(python[\d.]*|pypy[\d.]*)$/, inline: 'cm', valued: ['-W', '-X', '-Q'] },
  { name: /^perl[\d.]*$/, inline: 'eE', valued: ['-I', '-M', '-m'] },
  { name: /^ruby[\d.]*$/, inline: 'e', valued: ['-I', '-r'] },
  { name: /^(node|nodejs|bun|deno)$/, inline: 'ep', valued: ['-r', '--require', '--import'] },
  { name: /^php[\d.]*$/, inline: 'r', valued: ['-c', '-d'] },
];

/**
 * Whether an interpreter reads its program from stdin: no program file, or `-`, and no
 * program on the command line (`python3 -c …`). Approximate: an option taking a value that is
 * not listed makes its value look like a program file, and the pipe is then not seen.
 */
function interpreterReadsStdin(name: string, args: readonly string[]): boolean | undefined {
  const interpreter = INTERPRETERS.find((entry) => entry.name.test(name));
  if (!interpreter) return undefined;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] ?? '';
    if (arg === '-' || STDIN_FILES.has(arg)) return true;
    if (['--eval', '--print'].includes(arg) || arg.startsWith('--eval=')) return false;
    if (interpreter.valued.includes(arg)) k++;
    else if (/^-[a-zA-Z]/.test(arg)) {
      if ([...arg.slice(1)].some((letter) => interpreter.inline.includes(letter))) return false;
    } else if (!arg.startsWith('--')) return false;
  }
  return true;
}

function isDownloader(command: ShellCommand): boolean {
  return DOWNLOADERS.has(unwrap(command.words)[0] ?? '');
}

/**
 * Operands that make `rm -r` delete everything the task can reach: the file system, the home
 * directory, the parent, or the task directory itself.
 */
function wipes(operand: string, root: string): boolean {
  const path = operand.replace(/\/+$/, '') || '/';
  const home = /^(~|\$HOME|\$\{HOME\}|"\$HOME"|"\$\{HOME\}")(\/\*?)?$/.test(operand);
  return (
    home ||
    ['/', '/*', '..', '../*', '.'].includes(path) ||
    normalize(path) === root ||
    normalize(path) === `${root}/*`
  );
}

function checkRm(args: string[], root: string): PolicyDecision {
  if (args.includes('--no-preserve-root')) return refuse('rm --no-preserve-root');
  const recursive = args.some((arg) => /^-[a-zA-Z]*[rR]/.test(arg) || arg === '--recursive');
  const wiped = recursive ? operandsOf(args).find((operand) => wipes(operand, root)) : undefined;
  return wiped === undefined
    ? ALLOWED
    : refuse(
        `rm -r ${wiped} deletes the whole task directory or more; delete the files you mean by name`,
      );
}

function checkGit(args: string[]): PolicyDecision {
  let k = 0;
  while (k < args.length && args[k]?.startsWith('-')) {
    if (['-C', '-c', '--git-dir', '--work-tree', '--namespace'].includes(args[k] ?? '')) k++;
    k++;
  }
  const subcommand = args[k];
  const rest = args.slice(k + 1);
  if (subcommand === 'config' && rest.some((arg) => arg === '--global' || arg === '--system')) {
    return refuse("git config --global/--system changes the user's own git settings");
  }
  if (subcommand !== 'push') return ALLOWED;
  for (const arg of rest) {
    const short = /^-[a-zA-Z]+$/.test(arg) ? arg : '';
    // Force pushes rewrite shared history; `+ref` is a force push of one ref.
    if (arg.startsWith('--force') || short.includes('f') || /^\+/.test(arg)) {
      return refuse(`git push ${arg}: force pushes rewrite shared history`);
    }
    if (arg === '--delete' || arg === '--mirror' || arg === '--prune' || short.includes('d')) {
      return refuse(`git push ${arg}: it deletes or overwrites remote branches`);
    }
    if (/^:./.test(arg)) return refuse(`git push ${arg}: it deletes a remote branch`);
  }
  return ALLOWED;
}

const COMMAND_RULES: Record<string, (args: string[], root: string) => PolicyDecision> = {
  rm: checkRm,
  git: checkGit,
  init: (args) =>
    ['0', '6'].includes(args[0] ?? '') ? refuse(`init ${args[0]} stops the machine`) : ALLOWED,
  systemctl: (args) => {
    const verb = operandsOf(args)[0] ?? '';
    return MACHINE_STOPPING_UNITS.has(verb)
      ? refuse(`systemctl ${verb} stops the machine`)
      : ALLOWED;
  },
};

/** The rules for one command given as words, and for the scripts it hands to a shell. */
function checkWords(words: readonly string[], root: string, depth: number): PolicyDecision {
  const command = unwrapCommand(words);
  for (const script of command.scripts) {
    const decision = checkScript(script, root, depth + 1);
    if (!decision.allowed) return decision;
  }
  const [name, ...args] = command.words;
  if (name === undefined) return ALLOWED;
  if (name === 'eval') return checkScript(args.join(' '), root, depth + 1);
  const refused =
    REFUSED_COMMANDS[name] ??
    (name.startsWith('mkfs') ? 'it formats or partitions disks' : undefined);
  if (refused) return refuse(`${name}: ${refused}`);
  if (SHELLS.has(name)) {
    const input = shellInput(args);
    return input.kind === 'script' ? checkScript(input.script, root, depth + 1) : ALLOWED;
  }
  if (name === 'find') {
    for (let k = 0; k < args.length; k++) {
      if (!['-exec', '-execdir', '-ok', '-okdir'].includes(args[k] ?? '')) continue;
      const end = args.findIndex((arg, index) => index > k && (arg === ';' || arg === '+'));
      const decision = checkWords(args.slice(k + 1, end === -1 ? undefined : end), root, depth + 1);
      if (!decision.allowed) return decision;
    }
  }
  return COMMAND_RULES[name]?.(args, root) ?? ALLOWED;
}

function checkSimpleCommand(
  command: ShellCommand,
  upstream: readonly ShellCommand[],
  root: string,
  depth: number,
): PolicyDecision {
  for (const substitution of command.substitutions) {
    const decision = checkScript(substitution, root, depth + 1);
    if (!decision.allowed) return decision;
  }
  const [name, ...args] = unwrap(command.words);
  const interpreted = name === undefined ? undefined : interpreterReadsStdin(name, args);
  if (
    name !== undefined &&
    (SHELLS.has(name) || name === 'source' || name === '.' || interpreted !== undefined)
  ) {
    // A shell reading stdin (`sh`, `bash -s`, `bash /dev/stdin`, `sh -`) runs what the pipe brings.
    const readsStdin = SHELLS.has(name) ? shellInput(args).kind === 'stdin' : (interpreted ?? true);
    const downloads =
      command.substitutions.some((text) => parseShellCommand(text).some(isDownloader)) ||
      (readsStdin && upstream.some(isDownloader));
    if (downloads) return refuse(`running a downloaded script with ${name}`);
    if (SHELLS.has(name)) {
      for (const text of command.stdinTexts) {
        const decision = checkScript(text, root, depth + 1);
        if (!decision.allowed) return decision;
      }
    }
  }
  return checkWords(command.words, root, depth);
}

/** A function that pipes into itself in the background: `:(){ :|:& };:` and its renamings. */
function containsForkBomb(script: string): boolean {
  const definitions = [
    ...script.matchAll(/([^\s(){};|&]+)\s*\(\s*\)\s*\{([^}]*)\}/g),
    ...script.matchAll(/\bfunction\s+([^\s(){};|&]+)\s*(?:\(\s*\))?\s*\{([^}]*)\}/g),
  ];
  return definitions.some(([, name, body]) => {
    const compact = (body ?? '').replace(/\s+/g, '');
    return compact.includes(`${name}|${name}`);
  });
}

/** The commands whose output is piped into commands[index]: in `a | b | c`, a and b for c. */
function upstreamOf(commands: readonly ShellCommand[], index: number): ShellCommand[] {
  let first = index;
  while (first > 0 && commands[first]?.piped) first--;
  return commands.slice(first, index);
}

function checkScript(script: string, root: string, depth: number): PolicyDecision {
  if (depth > MAX_NESTING) return refuse('the command nests shells too deeply to be checked');
  if (containsForkBomb(script)) return refuse('a fork bomb');
  const commands = parseShellCommand(script);
  for (const [index, command] of commands.entries()) {
    const decision = checkSimpleCommand(command, upstreamOf(commands, index), root, depth);
    if (!decision.allowed) return decision;
  }
  return ALLOWED;
}

/**
 * Refuses, with a reason the model can act on, the plainly destructive commands: `rm -r` of
 * the task directory, the home directory or `/`; formatting or partitioning disks; fork bombs;
 * stopping the machine; sudo and su; force pushes and remote deletions; `git config --global`;
 * a downloaded script piped into a shell. Every part of a command line is looked at: each
 * command of a `;`, `&&`, `||` or `|` chain, `$(…)` and backticks, the scripts given to
 * `bash -c`, `eval`, `env -S`, `find -exec` or a here-document, and the command behind
 * `xargs`, `env` or `timeout`. A quoted argument is data (`echo "rm -rf /" > notes.txt`).
 *
 * This is no boundary: the sandbox confines whatever gets through.
 *
 * @example
 * checkCommand('rm -rf build/', { root: '/work/task' }); // { allowed: true }
 * checkCommand('sudo rm -rf /', { root: '/work/task' });
 * // { allowed: false, reason: 'refused: sudo: privilege escalation is not allowed' }
 */
export function checkCommand(command: string, context: { root: string }): PolicyDecision {
  if (command.trim() === '') return refuse('the command is empty');
  return checkScript(command, normalize(context.root), 0);
}
