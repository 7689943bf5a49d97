import { z } from 'zod';

/**
 * A text as routing compares it: a sparse vector over hashed terms (ascending), each weighted
 * by 1 + ln(count), cut to the strongest terms and scaled to unit length. Only this is stored
 * of a reviewed task, never its text.
 */
export const textFeaturesSchema = z
  .object({
    terms: z.array(z.int().min(0)),
    weights: z.array(z.number().min(0)),
  })
  .refine((f) => f.terms.length === f.weights.length, {
    error: 'text features need as many weights as terms',
  });
export type TextFeatures = z.infer<typeof textFeaturesSchema>;

/** Terms hash into 2^20 buckets: collisions are rare at the vocabulary of task texts. */
const hashMask = (1 << 20) - 1;
/** Terms kept per text: bounds what a reviewed task costs in memory and in the store. */
export const maxFeatureTerms = 64;

// Words that say nothing of what a task is about (English function words).
const stopwords = new Set(
  (
    'a an and are as at be been but by can could do does for from had has have he her his how i if in into is it its ' +
    'me my no not of on or our she so such than that the their them then there these they this those to too us was ' +
    'we were what when where which while who why will with would you your also just should may might must only'
  ).split(' '),
);

/**
 * A word: a run of upper-case letters before a capitalised word (`HTTP` of `HTTPServer`), a
 * capitalised or lower-case word (camelCase humps apart), an upper-case run, or letters of
 * scripts without case. Digits and punctuation end a word and are not part of any.
 */
const wordPattern = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?[\p{Ll}\p{M}]+|\p{Lu}+|\p{Lo}+/gu;

/** Characters of a text read for its features: what a task is about is said at its start. */
export const maxFeatureChars = 20_000;

/**
 * The words of a text's first `maxFeatureChars` characters, lower-cased: identifiers split at
 * `_`, `-` and camelCase humps, numbers and single letters dropped, English function words
 * dropped.
 *
 * @example
 * tokens('Fix parseDuration in time_utils.py'); // ['fix', 'parse', 'duration', 'time', 'utils', 'py']
 */
export function tokens(text: string): string[] {
  const words: string[] = [];
  eachWord(text, (word) => words.push(word));
  return words;
}

function eachWord(text: string, use: (word: string) => void): void {
  for (const [match] of text.slice(0, maxFeatureChars).matchAll(wordPattern)) {
    const word = match.toLowerCase();
    if (word.length > 1 && !stopwords.has(word)) use(word);
  }
}

/** A word's bucket: FNV-1a over its UTF-16 code units, folded to the hash's bits. */
export function termOf(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash ^ (hash >>> 20)) & hashMask;
}

/** The `limit` most frequent words, first seen first among equals, in one pass over the counts. */
function mostFrequent(counts: ReadonlyMap<string, number>, limit: number): [string, number][] {
  if (counts.size <= limit) return [...counts];
  // The count the last kept word has: fewer than `limit` words are above it.
  const byCount: number[] = [];
  for (const count of counts.values()) byCount[count] = (byCount[count] ?? 0) + 1;
  let above = 0;
  let cutoff = byCount.length - 1;
  while (above + (byCount[cutoff] ?? 0) < limit) above += byCount[cutoff--] ?? 0;
  let atCutoff = limit - above;
  const kept: [string, number][] = [];
  for (const entry of counts) {
    if (entry[1] > cutoff || (entry[1] === cutoff && atCutoff-- > 0)) kept.push(entry);
  }
  return kept;
}

/**
 * The features of a text: its `maxFeatureTerms` most frequent words (first seen first among
 * equals), each hashed to its bucket with 1 + ln(count), scaled to unit length. A text without
 * words has none.
 *
 * @example
 * textFeatures('retry the retry loop'); // { terms: [88213, 402117], weights: [0.86, 0.51] }
 */
export function textFeatures(text: string): TextFeatures {
  const counts = new Map<string, number>();
  eachWord(text, (word) => counts.set(word, (counts.get(word) ?? 0) + 1));
  // Two kept words in one bucket (rare) add up.
  const byTerm = new Map<number, number>();
  for (const [word, count] of mostFrequent(counts, maxFeatureTerms)) {
    const term = termOf(word);
    byTerm.set(term, (byTerm.get(term) ?? 0) + count);
  }
  const kept = [...byTerm].sort((a, b) => a[0] - b[0]);
  const raw = kept.map(([, count]) => 1 + Math.log(count));
  const norm = Math.sqrt(raw.reduce((sum, w) => sum + w * w, 0));
  return { terms: kept.map(([term]) => term), weights: raw.map((w) => w / norm) };
}
