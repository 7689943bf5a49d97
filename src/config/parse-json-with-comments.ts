import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import type { ConfigProblem } from './config-problem.js';

// jsonc-parser is the parser VS Code uses for its own settings files: comments and trailing
// commas are accepted, and every error comes with an offset we turn into line and column.

const readableError: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected content after the end of the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses JSON as people write it by hand: `//` and block comments and trailing commas are
 * fine; anything else is reported with its line and column.
 *
 * @example
 * parseJsonWithComments('{ "cto_model": "opus", // the CTO\n }', 'config.json');
 * // { ok: true, value: { cto_model: 'opus' } }
 */
export function parseJsonWithComments(text: string, fileLabel: string): ParsedJson {
  if (text.trim() === '') {
    return { ok: false, problems: [{ where: `${fileLabel}:1:1`, message: 'the file is empty' }] };
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  if (errors.length === 0) return { ok: true, value };
  // The first error is the real one; the parser's recovery makes the later ones noise.
  const first = errors[0] as ParseError;
  const { line, column } = position(text, first.offset);
  const code = printParseErrorCode(first.error);
  return {
    ok: false,
    problems: [
      {
        where: `${fileLabel}:${line}:${column}`,
        message: `syntax error: ${readableError[code] ?? code}`,
      },
    ],
  };
}
