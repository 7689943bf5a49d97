import { parseShellCommand } from './parse-shell-command.js';

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

function commandName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** A command past its assignments, `!`, `{` and wrappers such as `env` or `timeout 5`. */
export interface UnwrappedCommand {
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
export function unwrapCommand(words: readonly string[]): UnwrappedCommand {
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
export function unwrap(words: readonly string[]): string[] {
  return unwrapCommand(words).words;
}

/** The operands of a command, past its options: options end at `--`, and `-` is an operand. */
export function operandsOf(args: readonly string[]): string[] {
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
