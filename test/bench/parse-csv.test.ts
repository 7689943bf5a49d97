import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../bench/routing/parse-csv.js';

describe('parseCsv', () => {
  it('reads quoted fields holding commas, line breaks and doubled quotes, and CRLF records', () => {
    expect(parseCsv('id,prompt\r\na,"two\nlines, one ""quote"""\r\nb,plain\r\n')).toEqual([
      ['id', 'prompt'],
      ['a', 'two\nlines, one "quote"'],
      ['b', 'plain'],
    ]);
  });

  it('keeps empty fields, reads a last record without a line break, and skips blank lines', () => {
    expect(parseCsv('a,,c\n\nd,e,')).toEqual([
      ['a', '', 'c'],
      ['d', 'e', ''],
    ]);
  });

  it('names the line where a quoted field opens and never closes', () => {
    expect(() => parseCsv('id,prompt\nx,"open\nstill open')).toThrow(
      'line 2: a quoted field is never closed',
    );
  });
});
