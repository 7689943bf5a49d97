import { dirname, isAbsolute, join, normalize } from 'node:path';
import { z } from 'zod';
import { parseShellCommand, type ShellCommand } from './parse-shell-command.js';

/*
 * The safety rules for tools run on behalf of external models. Pure: the caller resolves real
 * paths and runs the processes. Confinement to the task root (with real paths, so symlinks
 * cannot lead out) is the main guard for file tools. The command rules are a denylist: they
 * stop the well-known disasters and their common spellings, but a shell is a programming
 * language, so a determined model can always write something no list foresees (`R=rm; $R -rf
 * /`, or `python3 -c` with a path it computes). What keeps such a command from doing harm is
 * the rest of the sandbox: the child environment holds no API keys, and an orchestrator run as
 * an unprivileged user cannot give its children the power to harm the system.
 *
 * Reading is where a denylist is weakest. The API keys of the models live in
 * `~/agents/<model>/config.json`, readable by the user the commands run as, so the command
 * rules refuse any argument that names the home directory outside the task root, any
 * credential location, and any recursive search that would pass through one. That stops the
 * direct ways (`cat ~/ag*\/x/config.json`, `cd ~ && cat agents/…`, `grep -r api_key ~`,
 * `find / -name config.json`), not a program that finds the file by itself. Keys that must not
 * leak belong out of the tools' reach: another user, or a container.
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

/** The sandbox as a command sees it. */
type CommandContext = SandboxContext & {
  /** The directory `cd` last went to; undefined once unknowable (`cd "$dir"`). */
  cwd: string | undefined;
  /** Variables the script has set (`H=~`), expanded; a variable not here has an unknown value. */
  variables: ReadonlyMap<string, string>;
  /** The command gets more arguments from stdin (`xargs rm`, `xargs sh -c '…'`). */
  argumentsFromStdin: boolean;
  /** The real path of a path (or of its nearest existing ancestor), when the caller can tell. */
  realPath: ((path: string) => string) | undefined;
};

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

/** How a command that runs another command takes its options, so as to reach that command. */
interface Wrapper {
  /** Letters of short options that take a value, attached (`-n10`) or as the next word. */
  short?: string;
  /** Letters of short options whose value can only be attached (`xargs -i{}`). */
  attachedOnly?: string;
  /** Long options that take a value, as `--name value` or `--name=value`. */
  long?: string[];
  /** Words after the options before the command (`timeout 5 cmd`). */
  positionals?: number;
  /** The options whose value is a command line of its own (`env -S 'rm -rf /'`). */
  splitString?: string[];
  /** The options whose value is the directory the command runs in (`env -C dir`). */
  chdir?: string[];
  /** The command gets more arguments from stdin (`xargs`). */
  argumentsFromStdin?: boolean;
}

const WRAPPERS: Record<string, Wrapper> = {
  env: {
    short: 'uCS',
    long: ['--unset', '--chdir', '--split-string'],
    splitString: ['-S', '--split-string'],
    chdir: ['-C', '--chdir'],
  },
  nohup: {},
  exec: { short: 'a' },
  command: {},
  builtin: {},
  time: { short: 'fo', long: ['--format', '--output'] },
  nice: { short: 'n', long: ['--adjustment'] },
  ionice: { short: 'cn', long: ['--class', '--classdata'] },
  timeout: { short: 'sk', long: ['--signal', '--kill-after'], positionals: 1 },
  stdbuf: { short: 'ioe', long: ['--input', '--output', '--error'] },
  setsid: {},
  unbuffer: {},
  busybox: {},
  chroot: { positionals: 1 },
  watch: { short: 'n', long: ['--interval'] },
  xargs: {
    short: 'aEdILnPs',
    attachedOnly: 'eil',
    long: [
      '--arg-file',
      '--delimiter',
      '--max-args',
      '--max-procs',
      '--max-chars',
      '--process-slot-var',
    ],
    argumentsFromStdin: true,
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

/** A command past its assignments, `!`, `{` and wrappers such as `env` or `timeout 5`. */
interface UnwrappedCommand {
  /** The words of the command actually run, its name without a directory. */
  words: string[];
  /** `NAME=value` words before it or given to `env`: the command's environment. */
  assignments: string[];
  /** Words the wrappers consumed: option values and positionals (`xargs -a list`). */
  consumed: string[];
  /** Command lines given to `env -S`, checked as scripts of their own. */
  scripts: string[];
  /** The directory a wrapper runs the command in (`env -C dir`), as written. */
  chdir: string | undefined;
  /** A wrapper adds arguments read from stdin (`xargs`). */
  argumentsFromStdin: boolean;
}

/** The words `env -S` makes of its value: split like a command line, without running it. */
function splitWords(text: string): string[] {
  return parseShellCommand(text).flatMap((command) => command.words);
}

/**
 * The command actually run, past wrappers (not `sudo`: that one is refused). `env -S '…'`
 * splits its value into the words that follow, as env itself does.
 */
function unwrapCommand(words: readonly string[]): UnwrappedCommand {
  const result: UnwrappedCommand = {
    words: [],
    assignments: [],
    consumed: [],
    scripts: [],
    chdir: undefined,
    argumentsFromStdin: false,
  };
  let rest = [...words];
  // Each round drops a wrapper's name, and `-S` replaces its value by fewer characters.
  for (;;) {
    let k = 0;
    while (
      k < rest.length &&
      (ASSIGNMENT.test(rest[k] ?? '') || RESERVED_WORDS.has(rest[k] ?? ''))
    ) {
      if (ASSIGNMENT.test(rest[k] ?? '')) result.assignments.push(rest[k] ?? '');
      k++;
    }
    const first = rest[k];
    if (first === undefined) return result;
    const name = commandName(first);
    const wrapper = WRAPPERS[name];
    if (!wrapper) {
      result.words = [name, ...rest.slice(k + 1)];
      return result;
    }
    result.argumentsFromStdin ||= wrapper.argumentsFromStdin ?? false;
    k++;
    while (k < rest.length && rest[k]?.startsWith('-') && rest[k] !== '-') {
      const arg = rest[k] ?? '';
      k++;
      if (arg === '--') break;
      let option: string | undefined;
      let value: string | undefined;
      if (arg.startsWith('--')) {
        const equals = arg.indexOf('=');
        const long = equals === -1 ? arg : arg.slice(0, equals);
        if (wrapper.long?.includes(long)) {
          option = long;
          value = equals === -1 ? rest[k++] : arg.slice(equals + 1);
        }
      } else {
        for (let j = 1; j < arg.length; j++) {
          const letter = arg[j] ?? '';
          if (wrapper.attachedOnly?.includes(letter)) break;
          if (wrapper.short?.includes(letter)) {
            option = `-${letter}`;
            value = arg.slice(j + 1) || rest[k++];
            break;
          }
        }
      }
      if (option === undefined || value === undefined) continue;
      if (wrapper.splitString?.includes(option)) {
        result.scripts.push(value);
        rest = [first, ...splitWords(value), ...rest.slice(k)];
        k = 1;
      } else if (wrapper.chdir?.includes(option)) {
        result.chdir = value;
      } else {
        result.consumed.push(value);
      }
    }
    const positionals = wrapper.positionals ?? 0;
    result.consumed.push(...rest.slice(k, k + positionals));
    rest = rest.slice(k + positionals);
  }
}

/** The words of the command actually run, past assignments and wrappers. */
function unwrap(words: readonly string[]): string[] {
  return unwrapCommand(words).words;
}

/** The operands of a command, past its options: options end at `--`, and `-` is an operand. */
function operandsOf(args: readonly string[]): string[] {
  return operandIndexes(args).map((index) => args[index] ?? '');
}

function operandIndexes(args: readonly string[]): number[] {
  const dashes = args.indexOf('--');
  const indexes: number[] = [];
  for (const [index, arg] of args.entries()) {
    if (index === dashes) continue;
    if ((dashes !== -1 && index > dashes) || !arg.startsWith('-') || arg === '-') {
      indexes.push(index);
    }
  }
  return indexes;
}

// ---- what a word names ----

/** Stands for text that cannot be known without running the script: a variable, a substitution. */
const UNKNOWN = '\u0001';

/**
 * A word with what the shell would expand in it, as far as that can be known: `~`, `$HOME`,
 * `$PWD` and variables set earlier in the script; anything else (`$1`, `$(…)`) is UNKNOWN.
 */
function expandWord(word: string, context: CommandContext): string {
  let text = word;
  if (/^~(?=\/|$)/.test(text)) text = context.homeDir + text.slice(1);
  else if (/^~\+(?=\/|$)/.test(text)) text = (context.cwd ?? UNKNOWN) + text.slice(2);
  else if (/^~-(?=\/|$)/.test(text)) text = UNKNOWN + text.slice(2);
  else if (text.startsWith('~')) {
    // `~bob` is taken to be /home/bob, another user's home; `~me` (or `~root`) may be our own.
    const user = /^~([^/]*)/.exec(text)?.[1] ?? '';
    const own = user === context.homeDir.slice(context.homeDir.lastIndexOf('/') + 1);
    text = own ? context.homeDir + text.slice(user.length + 1) : `/home/${text.slice(1)}`;
  }
  const variableValue = (name: string | undefined): string => {
    if (name === 'HOME') return context.homeDir;
    if (name === 'PWD') return context.cwd ?? UNKNOWN;
    return (name === undefined ? undefined : context.variables.get(name)) ?? UNKNOWN;
  };
  let expanded = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      expanded += UNKNOWN;
      i = end === -1 ? text.length : end;
    } else if (c !== '$') {
      expanded += c;
    } else if (next === '(') {
      let depth = 0;
      let end = i + 1;
      for (; end < text.length; end++) {
        if (text[end] === '(') depth++;
        else if (text[end] === ')' && --depth === 0) break;
      }
      expanded += UNKNOWN;
      i = end;
    } else if (next === '{') {
      const end = text.indexOf('}', i + 2);
      // `${HOME}`, and `${HOME:-x}` or `${HOME%/}` taken to be the same value.
      expanded += variableValue(/^[A-Za-z_]\w*/.exec(text.slice(i + 2))?.[0]);
      i = end === -1 ? text.length : end;
    } else {
      const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))?.[0];
      if (name !== undefined) {
        expanded += variableValue(name);
        i += name.length;
      } else if (/[0-9@*#?$!-]/.test(next)) {
        expanded += UNKNOWN;
        i++;
      } else {
        expanded += c;
      }
    }
  }
  return expanded;
}

/** In bash before 5.2, `.*` matches `..`: `rm -rf .*` deletes the parent directory. */
function withDotsGlob(text: string): string {
  return text.replace(/(^|\/)\.\*(?=\/|$)/g, '$1..');
}

/**
 * The absolute path a command argument names, as far as it can be known without a shell: `~`
 * and known variables are expanded, a relative path starts at the directory `cd` last went to
 * (the root at first), a trailing `/*` names its directory. Undefined when a variable or a
 * substitution makes it unknowable.
 */
function argumentPath(word: string, context: CommandContext): string | undefined {
  const expanded = expandWord(word, context);
  if (expanded.includes(UNKNOWN)) return undefined;
  const dotsGlob = withDotsGlob(expanded);
  if (!isAbsolute(dotsGlob) && context.cwd === undefined) return undefined;
  let path = normalize(isAbsolute(dotsGlob) ? dotsGlob : join(context.cwd ?? '', dotsGlob));
  while (path.length > 1 && /\/\*?$/.test(path)) path = path.replace(/\/\*?$/, '') || '/';
  return path;
}

/**
 * What a word may name, glob characters and unknown values included: `~/ag*` or `/home/$USER`.
 * Every path it can match lies within `fixed`, the part before the first pattern component.
 */
interface PathPattern {
  /** The components of the absolute, normalised path. */
  parts: string[];
  /** The path is relative to a directory that is not known (after `cd "$dir"`). */
  floating: boolean;
  /** The absolute path before the first pattern component; empty when floating. */
  fixed: string;
}

function isPatternPart(part: string): boolean {
  return /[*?[{]/.test(part) || part.includes(UNKNOWN);
}

/** A component that can stand for several (`**`, a variable that may hold `/`, `{a,b/c}`). */
function spansParts(part: string): boolean {
  return part === '**' || part.includes(UNKNOWN) || (part.includes('{') && !part.includes('}'));
}

function patternPath(parts: readonly string[], count: number): string {
  return `/${parts.slice(0, count).join('/')}`;
}

/**
 * What `word` names. With `followLast` false (`rm link`), a symlink that is the last component
 * stays itself: removing it does not touch where it leads.
 */
function pathPattern(
  word: string,
  context: CommandContext,
  followLast = true,
): PathPattern | undefined {
  const text = withDotsGlob(expandWord(word, context));
  // `$dir/x`: it could be any path at all, absolute or not.
  if (text.startsWith(UNKNOWN)) return undefined;
  if (!isAbsolute(text) && context.cwd === undefined) {
    const parts = normalize(text)
      .split('/')
      .filter((part) => part !== '' && part !== '.');
    return { parts, floating: true, fixed: '' };
  }
  let parts = normalize(isAbsolute(text) ? text : join(context.cwd ?? '', text))
    .split('/')
    .filter(Boolean);
  // /proc/self/root is a link to /, and /proc/<pid>/cwd to some directory.
  if (parts[0] === 'proc' && parts[2] === 'root') parts = parts.slice(3);
  else if (parts[0] === 'proc' && parts[2] === 'cwd') {
    return { parts: parts.slice(3), floating: true, fixed: '' };
  }
  let fixedCount = parts.findIndex(isPatternPart);
  if (fixedCount === -1) fixedCount = parts.length;
  let fixed = patternPath(parts, fixedCount);
  // A symlink inside the root can lead out of it: judge where it leads.
  if (context.realPath && within(fixed, context.root) && fixed !== context.root) {
    const last = fixedCount === parts.length && !followLast && !/\/\.?$/.test(word);
    const real = last
      ? join(normalize(context.realPath(dirname(fixed))), parts[fixedCount - 1] ?? '')
      : normalize(context.realPath(fixed));
    if (real !== fixed) {
      const realParts = real.split('/').filter(Boolean);
      parts = [...realParts, ...parts.slice(fixedCount)];
      fixed = real;
    }
  }
  return { parts, floating: false, fixed };
}

function partRegExp(part: string): RegExp {
  let source = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i] ?? '';
    if (c === '*' || c === UNKNOWN) source += '.*';
    else if (c === '?') source += '.';
    else if (c === '{') {
      // `{a,b}`: any of them; taken as anything, which errs on refusing.
      const end = part.indexOf('}', i);
      source += '.*';
      i = end === -1 ? part.length : end;
    } else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end === -1) source += '\\[';
      else {
        const body = part
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += escapeRegExp(c);
  }
  try {
    return new RegExp(`^${source}$`, 's');
  } catch {
    return /^/;
  }
}

/** Whether a pattern component can match a name; a spanning one, whether it can begin it. */
function partMatches(part: string, name: string): boolean {
  if (!spansParts(part)) return partRegExp(part).test(name);
  const ends = [part.indexOf('**'), part.indexOf(UNKNOWN), part.indexOf('{')].filter(
    (index) => index !== -1,
  );
  const head = part.slice(0, Math.min(...ends));
  return partRegExp(`${head}*`).test(name);
}

/** Whether a path pattern can match `target` or a path under it, only a directory above it, or neither. */
type Relation = 'under' | 'above' | 'none';

function relationFrom(
  parts: readonly string[],
  target: readonly string[],
  start: number,
): Relation {
  for (let i = 0; ; i++) {
    const name = target[start + i];
    if (name === undefined) return 'under';
    const part = parts[i];
    if (part === undefined) return 'above';
    if (!partMatches(part, name)) return 'none';
    if (spansParts(part)) return 'under';
  }
}

function relation(pattern: PathPattern, target: string): Relation {
  const parts = target.split('/').filter(Boolean);
  if (!pattern.floating) return relationFrom(pattern.parts, parts, 0);
  // An unknown directory is taken to be anywhere above the target (not inside it).
  let found: Relation = 'none';
  for (let start = 0; start < parts.length; start++) {
    const here = relationFrom(pattern.parts, parts, start);
    if (here === 'under') return 'under';
    if (here === 'above') found = 'above';
  }
  return found;
}

/**
 * System files that hold secrets: commands may read the rest of the system (`/usr/include`,
 * `/etc/os-release`), which the file tools do not open.
 */
const SECRET_SYSTEM_PATHS = [
  '/root/.ssh',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh',
];

/**
 * How a command uses a path: reads it, descends into it, only mentions it (`echo ~`), or
 * removes it (`rm link`, which leaves what a symlink leads to alone).
 */
type PathUse = 'read' | 'walk' | 'mention' | 'remove';

/**
 * Why a command may not use what `word` names: a credential location (`~/agents`, `~/.ssh`),
 * anything in the home directory that is not in the task root, a directory above them for a
 * command that descends into it (`grep -r x /`), or /proc. A pattern (`~/ag*`, `/*\/agents`,
 * `/home/$USER`) is refused when any path it can match would be.
 */
function pathReason(word: string, context: CommandContext, use: PathUse): string | undefined {
  const pattern = pathPattern(word, context, use !== 'remove');
  if (pattern === undefined) return undefined;
  const credentials = [
    ...CREDENTIAL_PATHS.map((entry) => join(context.homeDir, entry)),
    ...SECRET_SYSTEM_PATHS,
  ];
  for (const dir of credentials) {
    const found = relation(pattern, dir);
    const shown = tildeForm(dir, context.homeDir);
    if (found === 'under') return `${shown} holds credentials`;
    if (found === 'above' && use === 'walk') {
      return `searching it reaches ${shown}, which holds credentials`;
    }
  }
  if (use === 'walk' && relation(pattern, '/proc') !== 'none') {
    return "searching it reaches /proc, which holds other processes' environments";
  }
  if (pattern.floating || relation(pattern, context.homeDir) !== 'under') return undefined;
  if (within(pattern.fixed, context.root)) return undefined;
  const homeItself = pattern.parts.length === context.homeDir.split('/').filter(Boolean).length;
  if (use === 'mention' && homeItself && !pattern.parts.some(isPatternPart)) return undefined;
  return homeItself
    ? 'it is the home directory, outside the task root'
    : 'it is in the home directory, outside the task root';
}

/** The words of an argument that may be paths: the operand, a value after `=` or in an option. */
function pathCandidates(arg: string): string[] {
  const candidates: string[] = [];
  if (!arg.startsWith('-') || arg === '-') candidates.push(arg);
  else {
    // `-I$HOME/include`, `-f/etc/x`: a value attached to an option.
    const start = arg.search(/[/~$]/);
    if (start !== -1) candidates.push(arg.slice(start));
  }
  const equals = arg.indexOf('=');
  if (equals !== -1) candidates.push(arg.slice(equals + 1));
  return candidates;
}

/** Commands whose operands are not files they read. */
const NO_PATH_OPERANDS = new Set([
  'cd',
  'pushd',
  'popd',
  'export',
  'unset',
  'declare',
  'typeset',
  'local',
  'readonly',
  'alias',
  'unalias',
  'test',
  '[',
  '[[',
  'true',
  'false',
  'type',
  'which',
  'hash',
  'sleep',
  'exit',
  'return',
  'set',
  'shift',
  'wait',
  'jobs',
  'trap',
  'umask',
  'read',
  'let',
  'kill',
]);
/** Commands that print their operands: the home directory's own path may be shown. */
const PRINTERS = new Set(['echo', 'printf']);
/** Commands that remove their operands without following a symlink. */
const REMOVERS = new Set(['rm', 'unlink', 'rmdir']);

const SEARCHERS = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'ugrep', 'ug']);
/** Commands that descend into the directories they are given. */
const ALWAYS_WALK = new Set([
  'find',
  'du',
  'tree',
  'rsync',
  'tar',
  'bsdtar',
  'gtar',
  'rg',
  'ag',
  'ack',
  'ugrep',
  'ug',
  // A link to a directory opens everything under it to the commands that follow.
  'ln',
]);
/** Commands that descend into directories with a flag (`grep -r`, `cp -a`). */
const WALK_FLAGS: Record<string, { short: string; long: string[] }> = {
  grep: { short: 'rR', long: ['--recursive', '--dereference-recursive', '--directories=recurse'] },
  egrep: { short: 'rR', long: ['--recursive', '--dereference-recursive', '--directories=recurse'] },
  fgrep: { short: 'rR', long: ['--recursive', '--dereference-recursive', '--directories=recurse'] },
  cp: { short: 'rRa', long: ['--recursive', '--archive'] },
  scp: { short: 'r', long: [] },
  ls: { short: 'R', long: ['--recursive'] },
  zip: { short: 'rR', long: ['--recurse-paths', '--recurse-patterns'] },
  diff: { short: 'r', long: ['--recursive'] },
};
/** Walkers that start at the working directory when given no directory. */
const WALK_FROM_CWD = new Set(['find', 'du', 'tree', 'ls', ...SEARCHERS]);

function hasShortFlag(args: readonly string[], letters: string): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some(
    (arg) =>
      /^-[a-zA-Z]+$/.test(arg) && [...arg.slice(1)].some((letter) => letters.includes(letter)),
  );
}

/** The index in `args` of a search pattern, which is not a path: grep's first operand. */
function patternIndex(name: string, args: readonly string[]): number | undefined {
  if (!SEARCHERS.has(name)) return undefined;
  const explicit = args.some(
    (arg) => /^--(regexp|file|files|type-list)\b/.test(arg) || /^-[a-zA-Z]*[ef]/.test(arg),
  );
  return explicit ? undefined : operandIndexes(args)[0];
}

/** The start paths of `find` (after -H, -L, -P) and where its expression begins. */
function findParts(args: readonly string[]): { paths: string[]; expression: string[] } {
  let k = 0;
  while (k < args.length && /^-([HLP]|O\d*|D)$/.test(args[k] ?? '')) k += args[k] === '-D' ? 2 : 1;
  const start = k;
  while (k < args.length && !/^[-(!]/.test(args[k] ?? '')) k++;
  return { paths: args.slice(start, k), expression: args.slice(k) };
}

/** The directories a command descends into, or undefined when it does not descend. */
function walkedPaths(
  name: string,
  args: readonly string[],
  skip: number | undefined,
): string[] | undefined {
  const flags = WALK_FLAGS[name];
  const recursive =
    ALWAYS_WALK.has(name) ||
    (flags !== undefined &&
      (hasShortFlag(args, flags.short) ||
        args.some((arg) => flags.long.includes(arg)) ||
        args.some((arg, index) => arg === '-d' && args[index + 1] === 'recurse')));
  if (!recursive) return undefined;
  const paths =
    name === 'find'
      ? findParts(args).paths
      : operandIndexes(args)
          .filter((index) => index !== skip)
          .map((index) => args[index] ?? '');
  return paths.length === 0 && WALK_FROM_CWD.has(name) ? ['.'] : paths;
}

/** The paths a command names, checked against the home directory and credential locations. */
function checkPaths(
  name: string,
  args: readonly string[],
  context: CommandContext,
  skip: number | undefined,
): PolicyDecision {
  if (NO_PATH_OPERANDS.has(name)) return ALLOWED;
  const use: PathUse = PRINTERS.has(name) ? 'mention' : REMOVERS.has(name) ? 'remove' : 'read';
  for (const [index, arg] of args.entries()) {
    if (index === skip) continue;
    for (const candidate of pathCandidates(arg)) {
      const reason = pathReason(candidate, context, use);
      if (reason) return refuse(`${name} ${candidate}: ${reason}`);
    }
  }
  const walked = walkedPaths(name, args, skip);
  if (walked === undefined) return ALLOWED;
  if (context.argumentsFromStdin) {
    return refuse(`${name} under xargs searches paths read from stdin, which cannot be checked`);
  }
  for (const path of walked) {
    const reason = pathReason(path, context, 'walk');
    if (reason) return refuse(`${name} ${path}: ${reason}`);
  }
  return ALLOWED;
}

// ---- changes ----

/** Where a change through a path inside the root lands, symlinks followed (not the last, for rm). */
function realTarget(
  word: string,
  path: string,
  context: CommandContext,
  followLast: boolean,
): string {
  if (!context.realPath || !within(path, context.root) || path === context.root) return path;
  if (followLast || /\/\.?$/.test(word)) return normalize(context.realPath(path));
  const dir = dirname(path);
  return join(normalize(context.realPath(dir)), path.slice(dir.length + 1));
}

/** Why deleting or changing `word` in place is refused: it lies outside the task root. */
function destroyedReason(
  word: string,
  context: CommandContext,
  protectRoot: boolean,
): string | undefined {
  const written = argumentPath(word, context);
  if (written === undefined) return undefined;
  const path = realTarget(word, written, context, false);
  if (path === '/') return 'the filesystem root';
  if (path === normalize(context.homeDir)) return 'the home directory';
  if (!within(path, context.root)) return 'a path outside the task root';
  // `*` leaves the root and its dot files (.git) in place; `.` would take them too.
  if (protectRoot && path === context.root && !word.endsWith('*')) return 'the task root itself';
  return undefined;
}

/** Why writing to `word` is refused: a device, a system path, the root or the home directory. */
function writtenReason(word: string, context: CommandContext): string | undefined {
  const written = argumentPath(word, context);
  if (written === undefined) return undefined;
  const path = realTarget(word, written, context, true);
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

function forcesOrRecurses(args: readonly string[]): boolean {
  return hasShortFlag(args, 'rRf') || args.includes('--recursive') || args.includes('--force');
}

function checkRm(args: string[], context: CommandContext): PolicyDecision {
  if (args.includes('--no-preserve-root')) return refuse('rm --no-preserve-root');
  // `echo / | xargs rm -rf`: the paths come from stdin, and no check can see them.
  if (context.argumentsFromStdin && forcesOrRecurses(args)) {
    return refuse(
      `rm ${args.join(' ')} under xargs deletes paths read from stdin, which cannot be checked; use find … -delete`,
    );
  }
  return refuseDestroyed('rm', args, context, true);
}

function checkFind(args: string[], context: CommandContext, depth: number): PolicyDecision {
  const { paths, expression } = findParts(args);
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

// ---- scripts ----

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

/** The variables after `NAME=value` words, each value expanded as the shell would. */
function withAssignments(
  words: readonly string[],
  context: CommandContext,
): ReadonlyMap<string, string> {
  const variables = new Map(context.variables);
  for (const word of words) {
    const match = /^([A-Za-z_]\w*)(\+?)=(.*)$/s.exec(word);
    if (!match) continue;
    const [, name = '', append, value = ''] = match;
    // bash expands `~` after `=` and after each `:` of an assignment: PATH=~/bin:~/x.
    const expanded = value
      .split(':')
      .map((piece) => expandWord(piece, { ...context, variables }))
      .join(':');
    variables.set(name, append ? (variables.get(name) ?? UNKNOWN) + expanded : expanded);
  }
  return variables;
}

/**
 * The variables after a command: `H=~` and `export H=~` set H; `read H`, `for H in` or
 * `printf -v H` give it a value that cannot be known.
 */
function variablesAfter(
  command: ShellCommand,
  context: CommandContext,
): ReadonlyMap<string, string> {
  const [first, ...rest] = command.words;
  if (first === undefined) return context.variables;
  if (command.words.every((word) => ASSIGNMENT.test(word))) {
    return withAssignments(command.words, context);
  }
  if (['export', 'declare', 'typeset', 'local', 'readonly'].includes(first)) {
    return withAssignments(rest, context);
  }
  let unknown: string[] = [];
  if (['read', 'mapfile', 'readarray', 'getopts'].includes(first)) {
    unknown = rest.filter((word) => /^[A-Za-z_]\w*$/.test(word));
  } else if (first === 'for' || first === 'select') unknown = rest.slice(0, 1);
  else if (first === 'printf') unknown = rest.filter((_, index) => rest[index - 1] === '-v');
  if (unknown.length === 0) return context.variables;
  const variables = new Map(context.variables);
  for (const name of unknown) variables.delete(name);
  return variables;
}

/** The rules for one command given as words (after any pipe, redirection and substitution). */
function checkWords(
  words: readonly string[],
  context: CommandContext,
  depth: number,
): PolicyDecision {
  const command = unwrapCommand(words);
  // `env -S 'rm -rf /'`: the value is a command line; it is also spliced into the words.
  for (const script of command.scripts) {
    const decision = checkScript(script, context, depth + 1);
    if (!decision.allowed) return decision;
  }
  let inner = context;
  if (command.assignments.length > 0) {
    inner = { ...inner, variables: withAssignments(command.assignments, inner) };
  }
  for (const word of command.consumed) {
    const reason = pathReason(word, inner, 'read');
    if (reason) return refuse(`${word}: ${reason}`);
  }
  if (command.chdir !== undefined) inner = { ...inner, cwd: argumentPath(command.chdir, inner) };
  if (command.argumentsFromStdin) inner = { ...inner, argumentsFromStdin: true };
  const [name, ...args] = command.words;
  if (name === undefined) return ALLOWED;
  if (name === 'eval') return checkScript(args.join(' '), inner, depth + 1);
  const refused =
    REFUSED_COMMANDS[name] ??
    (name.startsWith('mkfs') ? 'it formats or partitions disks' : undefined);
  if (refused) return refuse(`${name}: ${refused}`);
  const input = SHELLS.has(name) ? shellInput(args) : undefined;
  const skip = input?.kind === 'script' ? input.index : patternIndex(name, args);
  const paths = checkPaths(name, args, inner, skip);
  if (!paths.allowed) return paths;
  if (input?.kind === 'script') return checkScript(input.script, inner, depth + 1);
  if (input) return ALLOWED;
  if (name === 'shred' && inner.argumentsFromStdin) {
    return refuse('shred under xargs destroys paths read from stdin, which cannot be checked');
  }
  return COMMAND_RULES[name]?.(args, inner, depth) ?? ALLOWED;
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
    const reason = writtenReason(target, context) ?? pathReason(target, context, 'read');
    if (reason) return refuse(`redirecting output to ${target}: ${reason}`);
  }
  for (const source of command.inputs) {
    const reason = pathReason(source, context, 'read');
    if (reason) return refuse(`reading ${source}: ${reason}`);
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
    current = {
      ...current,
      cwd: directoryAfter(command, current),
      variables: variablesAfter(command, current),
    };
  }
  return ALLOWED;
}

/** What the caller can tell the command check about the file system. */
export interface CommandCheckOptions {
  /**
   * The real path of an absolute path, or of its nearest existing ancestor with the rest
   * appended: with it, a symlink inside the root that leads out (to the home directory) is
   * judged by where it leads. Without it, paths are judged as written.
   */
  realPath?: (path: string) => string;
}

/**
 * Checks a command for `run_command` against the denylist: deleting or chmod-ing outside the
 * task root (`rm -rf /`, `~`, `..`), formatting disks, writing to devices or system paths, fork
 * bombs, stopping the machine, `kill -9 -1`, sudo, force pushes, piping a download into a
 * shell, and reading credentials. Every part of the command is checked: each command of a
 * `;`, `&&`, `||` or `|` chain, `$(…)` and backticks, the scripts given to `bash -c`, `sh -c`,
 * `eval`, `env -S` or a here-document, and the command run by `xargs`, `env` or `timeout`. A
 * quoted argument is data (`echo "rm -rf /" > notes.txt` is allowed) unless it is handed to a
 * shell; only a mention of a credential file (`~/agents`, `~/.ssh` …) or of /proc/…/environ
 * is refused wherever it appears, quoted or not.
 *
 * Reading: an argument that names the home directory or anything in it (`~`, `$HOME/x`,
 * `/home/me/x`, `~/./x`, a relative path after `cd ~`, a pattern such as `~/ag*` or
 * `/*\/agents`) is refused unless it lies in the task root; a credential location (`~/agents`,
 * `~/.ssh`, /etc/shadow …) is refused even there; and a command that descends into
 * directories (`find`, `grep -r`, `du`, `tar`, `rsync`, `cp -r`, `ln`) may not start above
 * one of them (`find / -name config.json`).
 *
 * What a denylist cannot catch: a program that computes a path (`python3 -c
 * "open(os.path.expanduser('~/.bashrc'))"`), a path assembled in pieces the check cannot
 * follow (`cat $(echo ~)/.bashrc`, `read H <<< ~`), a symlink made by such a program or met
 * inside a glob or a recursive walk (`grep -R`, `find -L`), or a script written to a file and
 * run later. So these rules raise the bar but are no boundary: a model set on reading
 * `~/agents` can still do it through such a program. Only running the tools as a user who
 * cannot read the home directory (or in a container) makes that impossible.
 *
 * @example
 * checkCommand('rm -rf build/', { root: '/work/task', homeDir: '/home/me' }); // { allowed: true }
 * checkCommand('sudo rm -rf /', { root: '/work/task', homeDir: '/home/me' });
 * // { allowed: false, reason: 'refused: sudo: privilege escalation is not allowed' }
 */
export function checkCommand(
  command: string,
  context: SandboxContext,
  options: CommandCheckOptions = {},
): PolicyDecision {
  if (command.trim() === '') return refuse('the command is empty');
  const root = normalize(context.root);
  return checkScript(
    command,
    {
      root,
      homeDir: normalize(context.homeDir),
      cwd: root,
      variables: new Map(),
      argumentsFromStdin: false,
      realPath: options.realPath,
    },
    0,
  );
}
