/** Cuts a text to `max` characters, marking the cut. */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A provider's or a CLI's message as one log-friendly line: whitespace collapsed, cut at `max`.
 *
 * @example
 * oneLine('HTTP 500\n  upstream   failed'); // 'HTTP 500 upstream failed'
 */
export function oneLine(text: string, max = 300): string {
  return cut(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * The first line of a tool's arguments or output, short enough for a progress note.
 *
 * @example
 * firstLine('exit code 0\nhello'); // 'exit code 0'
 */
export function firstLine(text: string, max = 120): string {
  return cut(text.trim().split('\n')[0] ?? '', max);
}
