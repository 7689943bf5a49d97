/**
 * Parses CSV as RFC 4180 writes it: fields separated by commas, records by CRLF or LF, a field
 * in double quotes may hold commas, line breaks and doubled quotes. The outcome datasets quote
 * prompts that span many lines, so splitting on line breaks is not enough. Throws one line,
 * naming the record, for a quote left open.
 *
 * @example
 * parseCsv('id,prompt\na,"two\nlines, one ""quote"""\n');
 * // [['id', 'prompt'], ['a', 'two\nlines, one "quote"']]
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let recordStart = 1;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line += 1;
        field += char;
      }
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line += 1;
      recordStart = line;
    } else field += char;
  }
  if (quoted) throw new Error(`line ${recordStart}: a quoted field is never closed`);
  if (field !== '' || record.length > 0) records.push([...record, field]);
  // A blank line is no record.
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}
