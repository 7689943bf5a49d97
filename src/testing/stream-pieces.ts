/**
 * Splits a text into up to `count` pieces of about equal length (never splitting a character),
 * so that a streamed reply makes the client reassemble its deltas as a real provider does.
 *
 * @example
 * streamPieces('hello world', 3); // ['hell', 'o wo', 'rld']
 */
export function streamPieces(text: string, count = 3): string[] {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    pieces.push(characters.slice(start, start + size).join(''));
  }
  return pieces;
}
