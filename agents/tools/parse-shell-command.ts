/**
 * One simple command of a shell script, as much of it as a denylist needs to see. This is not
 * a shell: variables are not expanded and globs are not matched, so a word keeps `$HOME` or
 * `/*` as written.
 */
export interface ShellCommand {
  /** The words with quotes and escapes removed; substitutions stay as written (`$(…)`). */
  words: string[];
  /** Targets of output redirections (`>`, `>>`, `>|`, `&>`, `<>`). */
  outputs: string[];
  /** Files read by input redirections (`< file`); `<&3` duplicates a descriptor and is not one. */
  inputs: string[];
  /** Text fed to stdin by a here-document or a here-string. */
  stdinTexts: string[];
  /** Bodies of `$(…)`, backticks, `<(…)` and `>(…)` in this command: scripts of their own. */
  substitutions: string[];
  /** True when stdin comes from a pipe (in `a | b`, b is piped). */
  piped: boolean;
}

type Separator = 'pipe' | 'list' | 'group';
/** What the next word is: a file written or read, a target to ignore (`>&2`), or stdin text. */
type PendingRedirect = 'output' | 'input' | 'ignored' | 'herestring' | 'heredoc';

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
  command: ShellCommand;
}

const ANSI_C_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
};

function emptyCommand(piped: boolean): ShellCommand {
  return { words: [], outputs: [], inputs: [], stdinTexts: [], substitutions: [], piped };
}

function isEmpty(command: ShellCommand): boolean {
  return (
    command.words.length === 0 &&
    command.outputs.length === 0 &&
    command.inputs.length === 0 &&
    command.stdinTexts.length === 0 &&
    command.substitutions.length === 0
  );
}

/** Index of the `"` closing the double-quoted string that opens at `open`. */
function closingDoubleQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '$' && text[i + 1] === '(') i = closingParen(text, i + 1);
    else if (c === '`') i = closingBacktick(text, i);
  }
  return text.length;
}

/** Index of the `)` matching the `(` at `open`, skipping quoted text; the end when unbalanced. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'") i = closingSingleQuote(text, i);
    else if (c === '"') i = closingDoubleQuote(text, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return text.length;
}

function closingSingleQuote(text: string, open: number): number {
  const end = text.indexOf("'", open + 1);
  return end === -1 ? text.length : end;
}

function closingBacktick(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '`') return i;
  }
  return text.length;
}

function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** Decodes the body of `$'…'` (ANSI-C quoting), which can spell any byte: `$'\x72m'` is `rm`. */
function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|.)/g,
    (_, code: string) => {
      const head = code[0] ?? '';
      if (head === 'x' || head === 'u' || head === 'U') {
        return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
      }
      if (/[0-7]/.test(head)) return String.fromCodePoint(Number.parseInt(code, 8));
      return ANSI_C_ESCAPES[code] ?? code;
    },
  );
}

/** The `$(…)` and backtick bodies inside text that the shell expands (an unquoted here-doc). */
function substitutionsIn(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '$' && text[i + 1] === '(') {
      const end = closingParen(text, i + 1);
      found.push(text.slice(i + 2, end));
      i = end;
    } else if (c === '`') {
      const end = closingBacktick(text, i);
      found.push(text.slice(i + 1, end));
      i = end;
    }
  }
  return found;
}

/**
 * Splits a shell script into its simple commands: on `;`, `&&`, `||`, `|`, `&`, newlines and
 * parentheses, with quotes, escapes, `$'…'`, here-documents and redirections understood well
 * enough that a quoted argument stays one word and a redirection target is not an argument.
 * Command substitutions are returned as text to be parsed again by the caller.
 *
 * @example
 * parseShellCommand('cd build && rm -rf "old files" > /dev/null');
 * // [{ words: ['cd', 'build'], … }, { words: ['rm', '-rf', 'old files'], outputs: ['/dev/null'], … }]
 */
export function parseShellCommand(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const heredocs: PendingHeredoc[] = [];
  let current = emptyCommand(false);
  let word: string | null = null;
  let quoted = false;
  let redirect: PendingRedirect | null = null;
  let heredocStripTabs = false;

  const append = (text: string) => {
    word = (word ?? '') + text;
  };
  const endWord = () => {
    if (word === null) return;
    if (redirect === 'output') current.outputs.push(word);
    else if (redirect === 'input') current.inputs.push(word);
    else if (redirect === 'herestring') current.stdinTexts.push(word);
    else if (redirect === 'heredoc') {
      heredocs.push({ delimiter: word, stripTabs: heredocStripTabs, quoted, command: current });
    } else if (redirect === null) current.words.push(word);
    redirect = null;
    word = null;
    quoted = false;
  };
  const endCommand = (separator: Separator) => {
    endWord();
    // A parenthesis around nothing yet keeps the pipe: in `a | (b)`, b still reads the pipe.
    if (separator === 'group' && isEmpty(current)) return;
    commands.push(current);
    current = emptyCommand(separator === 'pipe');
  };
  const startRedirect = (kind: PendingRedirect) => {
    // `2>` and `{fd}>`: the digits name a descriptor, not an argument.
    if (word !== null && !quoted && /^(\d+|\{\w+\})$/.test(word)) word = null;
    endWord();
    redirect = kind;
  };
  /** Reads the here-documents that start on the line after `newline`; returns the last index. */
  const readHeredocs = (newline: number): number => {
    let i = newline;
    for (const heredoc of heredocs.splice(0)) {
      const lines: string[] = [];
      while (i < script.length) {
        const end = script.indexOf('\n', i + 1);
        const lineEnd = end === -1 ? script.length : end;
        const line = script.slice(i + 1, lineEnd);
        i = lineEnd;
        if ((heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) break;
        lines.push(line);
      }
      const body = lines.join('\n');
      heredoc.command.stdinTexts.push(body);
      if (!heredoc.quoted) heredoc.command.substitutions.push(...substitutionsIn(body));
    }
    return i;
  };

  for (let i = 0; i < script.length; i++) {
    const c = script[i] ?? '';
    const next = script[i + 1];
    if (c === '\\') {
      // A backslash-newline joins lines; any other escaped character is literal.
      if (next !== '\n') append(next ?? '');
      quoted = true;
      i++;
    } else if (c === "'") {
      const end = closingSingleQuote(script, i);
      append(script.slice(i + 1, end));
      quoted = true;
      i = end;
    } else if (c === '"') {
      const end = closingDoubleQuote(script, i);
      const body = script.slice(i + 1, end);
      current.substitutions.push(...substitutionsIn(body));
      append(body.replace(/\\(["\\$`])/g, '$1'));
      quoted = true;
      i = end;
    } else if (c === '$' && next === "'") {
      let end = i + 2;
      while (end < script.length && script[end] !== "'") end += script[end] === '\\' ? 2 : 1;
      append(decodeAnsiC(script.slice(i + 2, end)));
      quoted = true;
      i = end;
    } else if ((c === '$' || c === '<' || c === '>') && next === '(') {
      const end = closingParen(script, i + 1);
      current.substitutions.push(script.slice(i + 2, end));
      append(script.slice(i, end + 1));
      i = end;
    } else if (c === '$' && next === '{') {
      const end = closingBrace(script, i + 1);
      append(script.slice(i, end + 1));
      i = end;
    } else if (c === '`') {
      const end = closingBacktick(script, i);
      current.substitutions.push(script.slice(i + 1, end).replace(/\\([`\\$])/g, '$1'));
      append(script.slice(i, end + 1));
      i = end;
    } else if (c === '#' && word === null) {
      const end = script.indexOf('\n', i);
      i = (end === -1 ? script.length : end) - 1;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n') {
      endCommand('list');
      if (heredocs.length > 0) i = readHeredocs(i) - 1;
    } else if (c === ';') {
      endCommand('list');
    } else if (c === '&') {
      if (next === '>') {
        startRedirect('output');
        i += script[i + 2] === '>' ? 2 : 1;
      } else {
        endCommand('list');
        if (next === '&') i++;
      }
    } else if (c === '|') {
      endCommand(next === '|' ? 'list' : 'pipe');
      if (next === '|' || next === '&') i++;
    } else if (c === '(' || c === ')') {
      endCommand('group');
    } else if (c === '>') {
      // `>&2` duplicates a descriptor; `>& file`, like `>`, `>>` and `>|`, writes a file.
      const duplicates = next === '&' && /[\d-]/.test(script[i + 2] ?? '');
      startRedirect(duplicates ? 'ignored' : 'output');
      if (next === '>' || next === '|' || next === '&') i++;
    } else if (c === '<') {
      if (next === '<' && script[i + 2] === '<') {
        startRedirect('herestring');
        i += 2;
      } else if (next === '<') {
        startRedirect('heredoc');
        heredocStripTabs = script[i + 2] === '-';
        i += heredocStripTabs ? 2 : 1;
      } else if (next === '>') {
        startRedirect('output');
        i++;
      } else {
        startRedirect(next === '&' ? 'ignored' : 'input');
        if (next === '&') i++;
      }
    } else {
      append(c);
    }
  }
  endCommand('list');
  return commands.filter((command) => !isEmpty(command));
}
