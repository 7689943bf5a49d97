/**
 * A short, printable description of a value found in a config, for "got …" in messages.
 *
 * @example
 * describeValue('yes'); // '"yes"'
 * describeValue([1]);   // 'an array'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
