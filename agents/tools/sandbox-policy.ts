import { isAbsolute, join, normalize } from 'node:path';
import { z } from 'zod';
import { parseShellCommand, type ShellCommand } from './parse-shell-command.js';

/*
 * The safety rules for tools run on behalf of external models. Pure: the caller resolves real
 * paths and runs the processes. Confinement to the task root (with real paths, so symlinks
 * cannot lead out) is the main guard for file tools. The command rules are a denylist: they
 * stop the well-known disasters and their common spellings, but a shell is a programming
 * language, so a determined model can always write something no list foresees (`R=rm; $R -rf
 * /`). What keeps such a command from doing harm is the rest of the sandbox: the child
 * environment holds no API keys, and an orchestrator run as an unprivileged user cannot give
 * its children the power to harm the system.
 */

/** A rule's answer; a refusal carries one line that is sent back to the model as it is. */
export const policyDecisionSchema = z.discriminatedUnion('allowed', [
  z.object({ allowed: z.literal(true) }),
  z.object({ allowed: z.literal(false), reason: z.string() }),
]);
export type PolicyDecision = z.infer<typeof policyDecisionSchema>;

/** Where the tools work: the task root and the home directory, both as real absolute paths. */
export const sandboxContextSchema = z.object({ root: z.string(), homeDir: z.string() });
export type SandboxContext = z.infer<typeof sandboxContextSchema>;

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
export const MAX_COMMAND_TIMEOUT_MS = 300_000;

const ALLOWED: PolicyDecision = { allowed: true };

function refuse(reason: string): PolicyDecision {
  return { allowed: false, reason: `refused: ${reason.replace(/\s+/g, ' ')}` };
}

/**
 * System directories. A task root inside one (a CI workspace under /var/lib) may still use
 * itself; a root that contains one (a root of `/`) does not open it.
 */
const SYSTEM_PATHS = [
  '/etc',
  '/usr',
  '/var',
  '/boot',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/opt',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/snap',
  '/srv',
  '/root/.ssh',
  '/private/etc',
  '/private/var',
  '/System',
  '/Library',
];

/** Home entries that hold credentials: `~/agents` keeps the API keys of the models. */
const CREDENTIAL_PATHS = [
  'agents',
  '.ssh',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.gnupg',
  '.kube',
  '.docker',
  '.netrc',
  '.git-credentials',
  '.npmrc',
  '.pypirc',
  '.pgpass',
];

/**
 * Files refused by name wherever they are, even in the task root: environment files and
 * private keys hold secrets that a model would send to its provider. Templates such as
 * `.env.example` are meant to be edited and stay open.
 */
const SECRET_FILE_NAME =
  /^(\.env(\.(?!(example|sample|template|dist)$).+)?|id_(rsa|dsa|ecdsa|ed25519)(_sk)?|\.netrc|\.git-credentials|\.pgpass)$/;

/** Device files that are safe to write: writing any other one (`/dev/sda`) destroys a disk. */
const HARMLESS_DEVICES = /^\/dev\/(null|zero|stdout|stderr|stdin|tty|fd\/\d+|shm\/.+)$/;

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function tildeForm(path: string, homeDir: string): string {
  return within(path, homeDir) ? `~${path.slice(homeDir.length)}` : path;
}

/** Why an absolute, normalized path is off limits whatever the root, or undefined. */
function blockedReason(path: string, context: SandboxContext): string | undefined {
  for (const entry of CREDENTIAL_PATHS) {
    const dir = join(context.homeDir, entry);
    if (within(path, dir)) return `${tildeForm(dir, context.homeDir)} holds credentials`;
  }
  for (const dir of SYSTEM_PATHS) {
    if (within(path, dir) && !(within(context.root, dir) && context.root !== dir)) {
      return `${dir} is a system path`;
    }
  }
  return undefined;
}

/**
 * Checks a path as the model wrote it, before anything touches the file system: not empty, no
 * NUL byte (which would cut the path short in a system call), no `~user`.
 *
 * @example
 * checkRequestedPath('src/index.ts'); // { allowed: true }
 * checkRequestedPath('a\0.png'); // { allowed: false, reason: 'refused: the path contains a NUL byte' }
 */
export function checkRequestedPath(requested: string): PolicyDecision {
  if (requested.trim() === '') return refuse('the path is empty');
  if (requested.includes('\0')) return refuse('the path contains a NUL byte');
  if (/^~[^/]/.test(requested)) return refuse(`${requested}: ~user paths are not supported`);
  return ALLOWED;
}

/**
 * Checks the real path of a file a tool is about to use. The caller resolves it: the real path
 * of the file, or for a file not created yet, the real path of its nearest existing ancestor
 * with the rest appended. A symlink out of the root therefore shows up as a path outside it.
 *
 * @example
 * checkRealPath('/etc/passwd', { root: '/work/task', homeDir: '/home/me' });
 * // { allowed: false, reason: 'refused: /etc is a system path' }
 */
export function checkRealPath(target: string, context: SandboxContext): PolicyDecision {
  if (target.includes('\0')) return refuse('the path contains a NUL byte');
  if (!isAbsolute(target)) return refuse(`${target} is not an absolute real path`);
  const path = normalize(target);
  const blocked = blockedReason(path, context);
  if (blocked) return refuse(blocked);
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (SECRET_FILE_NAME.test(name)) return refuse(`${name} files hold secrets`);
  if (!within(path, normalize(context.root))) {
    return refuse(`${path} is outside the task root ${context.root}`);
  }
  return ALLOWED;
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

const SECRET_VARIABLE_NAME =
  /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH(?!OR)|COOKIE|PRIVATE/i;
const PROVIDER_VARIABLE =
  /^(ANTHROPIC|OPENAI|AWS|AZURE|GOOGLE|GCLOUD|GCP|GEMINI|DEEPSEEK|MINIMAX|MOONSHOT|KIMI|ZHIPU|GLM|GITHUB|GH|GITLAB|HF|HUGGING_?FACE|CLAUDE)_/i;
/** `postgres://user:password@host`: a URL that carries its password. */
const URL_WITH_PASSWORD = /[a-z][\w+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

/**
 * The environment for a child process: a copy without any variable that may hold an API key,
 * token, password or other credential (by name, by provider prefix, or a URL with a password
 * in it), keeping PATH, HOME, LANG and the rest.
 *
 * @example
 * childEnvironment({ PATH: '/usr/bin', DEEPSEEK_API_KEY: 'sk-…' }); // { PATH: '/usr/bin' }
 */
export function childEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const child: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SECRET_VARIABLE_NAME.test(name) || PROVIDER_VARIABLE.test(name)) continue;
    if (name === 'GPG_AGENT_INFO' || name === 'KUBECONFIG' || URL_WITH_PASSWORD.test(value)) {
      continue;
    }
    child[name] = value;
  }
  return child;
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

/** The sandbox as a command sees it; `cwd` follows `cd` and is undefined once unknowable. */
type CommandContext = SandboxContext & { cwd: string | undefined };

const MAX_NESTING = 8;
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
const RESERVED_WORDS = new Set([
  '!',
  '{',
  '}',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  'time',
  'coproc',
]);

/** Commands that run another command: how many words to skip to reach it. */
const WRAPPERS: Record<string, { valueOptions?: string[]; positionals?: number }> = {
  env: { valueOptions: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'] },
  nohup: {},
  exec: { valueOptions: ['-a'] },
  command: {},
  builtin: {},
  time: {},
  nice: { valueOptions: ['-n', '--adjustment'] },
  ionice: { valueOptions: ['-c', '-n', '--class', '--classdata'] },
  timeout: { valueOptions: ['-s', '--signal', '-k', '--kill-after'], positionals: 1 },
  stdbuf: { valueOptions: ['-i', '-o', '-e'] },
  setsid: {},
  unbuffer: {},
  busybox: {},
  chroot: { positionals: 1 },
  watch: { valueOptions: ['-n', '--interval'] },
  xargs: {
    valueOptions: ['-I', '-i', '-n', '-P', '-d', '-L', '-l', '-s', '-E', '-e', '-a', '--arg-file'],
  },
};

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

function commandName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/**
 * The words of the command actually run, past assignments, `!`, `{` and wrappers such as `env`
 * or `timeout 5` (not `sudo`: that one is refused).
 */
function unwrap(words: readonly string[]): string[] {
  let rest = words;
  for (;;) {
    let k = 0;
    while (
      k < rest.length &&
      (ASSIGNMENT.test(rest[k] ?? '') || RESERVED_WORDS.has(rest[k] ?? ''))
    ) {
      k++;
    }
    const first = rest[k];
    if (first === undefined) return [];
    const name = commandName(first);
    const wrapper = WRAPPERS[name];
    if (!wrapper) return [name, ...rest.slice(k + 1)];
    k++;
    while (k < rest.length && rest[k]?.startsWith('-') && rest[k] !== '-') {
      if (rest[k] === '--') {
        k++;
        break;
      }
      if (wrapper.valueOptions?.includes(rest[k] ?? '')) k++;
      k++;
    }
    rest = rest.slice(k + (wrapper.positionals ?? 0));
  }
}

/** The operands of a command, past its options: options end at `--`, and `-` is an operand. */
function operandsOf(args: readonly string[]): string[] {
  const dashes = args.indexOf('--');
  const options = dashes === -1 ? args : args.slice(0, dashes);
  const operands = options.filter((arg) => !arg.startsWith('-') || arg === '-');
  return dashes === -1 ? operands : [...operands, ...args.slice(dashes + 1)];
}

/**
 * The absolute path a command argument names, as far as it can be known without a shell:
 * `~` and `$HOME` are expanded, a relative path starts at the directory `cd` last went to (the
 * root at first), a trailing `/*` names its directory. Undefined when a variable or a
 * substitution makes it unknowable.
 */
function argumentPath(word: string, context: CommandContext): string | undefined {
  // `~bob` is taken to be /home/bob: another user's home, outside the root either way.
  const expanded = word
    .replace(/^(~(?=\/|$)|\$HOME(?![\w])|\$\{HOME\})/, context.homeDir)
    .replace(/^~/, '/home/');
  if (/[$`]/.test(expanded)) return undefined;
  // In bash before 5.2, `.*` matches `..`: `rm -rf .*` deletes the parent directory.
  const dotsGlob = expanded.replace(/(^|\/)\.\*(?=\/|$)/g, '$1..');
  if (!isAbsolute(dotsGlob) && context.cwd === undefined) return undefined;
  let path = normalize(isAbsolute(dotsGlob) ? dotsGlob : join(context.cwd ?? '', dotsGlob));
  while (path.length > 1 && /\/\*?$/.test(path)) path = path.replace(/\/\*?$/, '') || '/';
  return path;
}

/** Why deleting or changing `word` in place is refused: it lies outside the task root. */
function destroyedReason(
  word: string,
  context: CommandContext,
  protectRoot: boolean,
): string | undefined {
  const path = argumentPath(word, context);
  if (path === undefined) return undefined;
  if (path === '/') return 'the filesystem root';
  if (path === normalize(context.homeDir)) return 'the home directory';
  if (!within(path, context.root)) return 'a path outside the task root';
  // `*` leaves the root and its dot files (.git) in place; `.` would take them too.
  if (protectRoot && path === context.root && !word.endsWith('*')) return 'the task root itself';
  return undefined;
}

/** Why writing to `word` is refused: a device, a system path, the root or the home directory. */
function writtenReason(word: string, context: CommandContext): string | undefined {
  const path = argumentPath(word, context);
  if (path === undefined) return undefined;
  if (within(path, '/dev')) return HARMLESS_DEVICES.test(path) ? undefined : 'a device';
  if (path === '/') return 'the filesystem root';
  if (path === normalize(context.homeDir)) return 'the home directory';
  return blockedReason(path, context);
}

function spelled(words: readonly string[]): string {
  return words.join(' ');
}

type CommandRule = (args: string[], context: CommandContext, depth: number) => PolicyDecision;

function refuseDestroyed(
  name: string,
  args: readonly string[],
  context: CommandContext,
  protectRoot: boolean,
): PolicyDecision {
  for (const operand of operandsOf(args)) {
    const reason = destroyedReason(operand, context, protectRoot);
    if (reason) return refuse(`\`${spelled([name, ...args])}\` would change ${reason}`);
  }
  return ALLOWED;
}

function refuseWritten(
  name: string,
  args: readonly string[],
  targets: readonly string[],
  context: CommandContext,
): PolicyDecision {
  for (const target of targets) {
    const reason = writtenReason(target, context);
    if (reason) return refuse(`\`${spelled([name, ...args])}\` writes to ${target}: ${reason}`);
  }
  return ALLOWED;
}

function checkRm(args: string[], context: CommandContext): PolicyDecision {
  if (args.includes('--no-preserve-root')) return refuse('rm --no-preserve-root');
  return refuseDestroyed('rm', args, context, true);
}

function checkFind(args: string[], context: CommandContext, depth: number): PolicyDecision {
  const start = args.findIndex((arg) => arg.startsWith('-') || arg === '(' || arg === '!');
  const paths = start === -1 ? args : args.slice(0, start);
  const expression = start === -1 ? [] : args.slice(start);
  let deletes = expression.includes('-delete');
  for (let k = 0; k < expression.length; k++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(expression[k] ?? '')) continue;
    const end = expression.findIndex((arg, index) => index > k && (arg === ';' || arg === '+'));
    const executed = expression.slice(k + 1, end === -1 ? undefined : end);
    const decision = checkWords(executed, context, depth + 1);
    if (!decision.allowed) return decision;
    deletes ||= ['rm', 'shred', 'unlink'].includes(unwrap(executed)[0] ?? '');
  }
  return deletes ? refuseDestroyed('find', paths, context, false) : ALLOWED;
}

function checkKill(args: string[]): PolicyDecision {
  const targets: string[] = [];
  let signalGiven = false;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] ?? '';
    if (arg === '--') {
      targets.push(...args.slice(k + 1));
      break;
    }
    if (arg === '-s' || arg === '-n') {
      signalGiven = true;
      k++;
    } else if (!signalGiven && arg.startsWith('-')) signalGiven = true;
    else targets.push(arg);
  }
  // Process -1 is every process the user may signal; process 1 is init.
  if (targets.includes('-1') || targets.includes('1')) {
    return refuse(`\`${spelled(['kill', ...args])}\` signals every process or init`);
  }
  return ALLOWED;
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

const COMMAND_RULES: Record<string, CommandRule> = {
  rm: checkRm,
  find: checkFind,
  kill: checkKill,
  git: checkGit,
  chmod: (args, context) => refuseDestroyed('chmod', args, context, false),
  chown: (args, context) => refuseDestroyed('chown', args, context, false),
  chgrp: (args, context) => refuseDestroyed('chgrp', args, context, false),
  shred: (args, context) => refuseDestroyed('shred', args, context, false),
  truncate: (args, context) => refuseDestroyed('truncate', args, context, false),
  mv: (args, context) => {
    const operands = operandsOf(args);
    const decision = refuseDestroyed('mv', operands.slice(0, -1), context, true);
    return decision.allowed ? refuseWritten('mv', args, operands.slice(-1), context) : decision;
  },
  cp: (args, context) => refuseWritten('cp', args, operandsOf(args).slice(-1), context),
  install: (args, context) => refuseWritten('install', args, operandsOf(args).slice(-1), context),
  tee: (args, context) => refuseWritten('tee', args, operandsOf(args), context),
  dd: (args, context) => {
    const targets = args.filter((arg) => arg.startsWith('of=')).map((arg) => arg.slice(3));
    return refuseWritten('dd', args, targets, context);
  },
  init: (args) =>
    ['0', '6'].includes(args[0] ?? '') ? refuse(`init ${args[0]} stops the machine`) : ALLOWED,
  telinit: (args) =>
    ['0', '6'].includes(args[0] ?? '') ? refuse(`telinit ${args[0]} stops the machine`) : ALLOWED,
  systemctl: (args) => {
    const verb = operandsOf(args)[0] ?? '';
    return MACHINE_STOPPING_UNITS.has(verb)
      ? refuse(`systemctl ${verb} stops the machine`)
      : ALLOWED;
  },
};

/** The script a shell is given: with `-c` the first operand, else a file or stdin. */
function shellInput(args: readonly string[]): { script: string } | 'file' | 'stdin' {
  let runsString = false;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] ?? '';
    if (['-o', '+o', '-O', '+O', '--rcfile', '--init-file'].includes(arg)) k++;
    else if (/^[-+][a-zA-Z]+$/.test(arg)) runsString ||= arg.startsWith('-') && arg.includes('c');
    else if (!arg.startsWith('--')) return runsString ? { script: arg } : 'file';
  }
  return 'stdin';
}

function isDownloader(command: ShellCommand): boolean {
  return DOWNLOADERS.has(unwrap(command.words)[0] ?? '');
}

/** The rules for one command given as words (after any pipe, redirection and substitution). */
function checkWords(
  words: readonly string[],
  context: CommandContext,
  depth: number,
): PolicyDecision {
  const [name, ...args] = unwrap(words);
  if (name === undefined) return ALLOWED;
  if (name === 'eval') return checkScript(args.join(' '), context, depth + 1);
  if (SHELLS.has(name)) {
    const input = shellInput(args);
    return typeof input === 'object' ? checkScript(input.script, context, depth + 1) : ALLOWED;
  }
  const refused =
    REFUSED_COMMANDS[name] ??
    (name.startsWith('mkfs') ? 'it formats or partitions disks' : undefined);
  if (refused) return refuse(`${name}: ${refused}`);
  return COMMAND_RULES[name]?.(args, context, depth) ?? ALLOWED;
}

function checkSimpleCommand(
  command: ShellCommand,
  upstream: readonly ShellCommand[],
  context: CommandContext,
  depth: number,
): PolicyDecision {
  for (const substitution of command.substitutions) {
    const decision = checkScript(substitution, context, depth + 1);
    if (!decision.allowed) return decision;
  }
  for (const target of command.outputs) {
    const reason = writtenReason(target, context);
    if (reason) return refuse(`redirecting output to ${target}: ${reason}`);
  }
  const [name, ...args] = unwrap(command.words);
  if (name !== undefined && (SHELLS.has(name) || name === 'source' || name === '.')) {
    const readsStdin = !SHELLS.has(name) || shellInput(args) === 'stdin';
    const downloads =
      command.substitutions.some((text) => parseShellCommand(text).some(isDownloader)) ||
      (readsStdin && upstream.some(isDownloader));
    if (downloads) return refuse(`running a downloaded script with ${name}`);
    if (SHELLS.has(name)) {
      for (const text of command.stdinTexts) {
        const decision = checkScript(text, context, depth + 1);
        if (!decision.allowed) return decision;
      }
    }
  }
  return checkWords(command.words, context, depth);
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Checks on the text itself, whatever its structure: fork bombs and credential files. */
function checkText(script: string, context: CommandContext): PolicyDecision {
  if (containsForkBomb(script)) return refuse('a fork bomb');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own spelling of $HOME.
  const homes = ['~', '$HOME', '${HOME}', normalize(context.homeDir)].map(escapeRegExp).join('|');
  const entries = CREDENTIAL_PATHS.map(escapeRegExp).join('|');
  const credential = new RegExp(`(?:${homes})["']?/+["']?(${entries})(?![\\w.-])`).exec(script);
  if (credential) return refuse(`~/${credential[1]} holds credentials`);
  if (/\/root\/\.ssh\b/.test(script)) return refuse('/root/.ssh holds credentials');
  // Another process's environment holds the orchestrator's API keys.
  if (/\/proc\/[^\s;|&]*\b(environ|mem)\b/.test(script)) {
    return refuse("/proc/…/environ and /proc/…/mem expose other processes' secrets");
  }
  return ALLOWED;
}

/** The commands whose output is piped into commands[index]: in `a | b | c`, a and b for c. */
function upstreamOf(commands: readonly ShellCommand[], index: number): ShellCommand[] {
  let first = index;
  while (first > 0 && commands[first]?.piped) first--;
  return commands.slice(first, index);
}

/**
 * The working directory after a command, so that `cd / && rm -rf *` is seen to delete `/*`.
 * Subshells are not tracked: a `cd` inside one is assumed to last, which errs on refusing.
 */
function directoryAfter(command: ShellCommand, context: CommandContext): string | undefined {
  const [name, ...args] = unwrap(command.words);
  if (name !== 'cd' && name !== 'pushd') return context.cwd;
  const target = args.find((arg) => !/^-[LPe@]+$/.test(arg));
  if (target === undefined) return context.homeDir;
  return target === '-' ? undefined : argumentPath(target, context);
}

function checkScript(script: string, context: CommandContext, depth: number): PolicyDecision {
  if (depth > MAX_NESTING) return refuse('the command nests shells too deeply to be checked');
  const text = checkText(script, context);
  if (!text.allowed) return text;
  const commands = parseShellCommand(script);
  let current = context;
  for (const [index, command] of commands.entries()) {
    const decision = checkSimpleCommand(command, upstreamOf(commands, index), current, depth);
    if (!decision.allowed) return decision;
    current = { ...current, cwd: directoryAfter(command, current) };
  }
  return ALLOWED;
}

/**
 * Checks a command for `run_command` against the denylist: deleting or chmod-ing outside the
 * task root (`rm -rf /`, `~`, `..`), formatting disks, writing to devices or system paths, fork
 * bombs, stopping the machine, `kill -9 -1`, sudo, force pushes, piping a download into a
 * shell, and reading credential files. Every part of the command is checked: each command of
 * a `;`, `&&`, `||` or `|` chain, `$(…)` and backticks, and the scripts given to `bash -c`,
 * `sh -c`, `eval` or a here-document. A quoted argument is data (`echo "rm -rf /"` is allowed)
 * unless it is handed to a shell; only a mention of a credential file (`~/agents`, `~/.ssh` …)
 * or of /proc/…/environ is refused wherever it appears, quoted or not.
 *
 * @example
 * checkCommand('rm -rf build/', { root: '/work/task', homeDir: '/home/me' }); // { allowed: true }
 * checkCommand('sudo rm -rf /', { root: '/work/task', homeDir: '/home/me' });
 * // { allowed: false, reason: 'refused: sudo: privilege escalation is not allowed' }
 */
export function checkCommand(command: string, context: SandboxContext): PolicyDecision {
  if (command.trim() === '') return refuse('the command is empty');
  const root = normalize(context.root);
  return checkScript(command, { root, homeDir: normalize(context.homeDir), cwd: root }, 0);
}
