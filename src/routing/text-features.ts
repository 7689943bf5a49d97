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
 * The words of a text, lower-cased: identifiers split at `_`, `-` and camelCase humps, numbers
 * and single letters dropped, English function words dropped.
 *
 * @example
 * tokens('Fix parseDuration in time_utils.py'); // ['fix', 'parse', 'duration', 'time', 'utils', 'py']
 */
export function tokens(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    for (const part of match[0].split(/(?<=\p{Ll})(?=\p{Lu})/u)) {
      const word = part.toLowerCase();
      if (word.length > 1 && !/^\p{N}+$/u.test(word) && !stopwords.has(word)) words.push(word);
    }
  }
  return words;
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

/**
 * The features of a text: its words' buckets with 1 + ln(count) each, the `maxFeatureTerms`
 * strongest kept (first seen first among equals), scaled to unit length. A text without words
 * has none.
 *
 * @example
 * textFeatures('retry the retry loop'); // { terms: [88213, 402117], weights: [0.86, 0.51] }
 */
export function textFeatures(text: string): TextFeatures {
  const counts = new Map<number, number>();
  for (const word of tokens(text)) {
    const term = termOf(word);
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  // A stable sort keeps insertion (first-seen) order among equal counts.
  const kept = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxFeatureTerms)
    .sort((a, b) => a[0] - b[0]);
  const raw = kept.map(([, count]) => 1 + Math.log(count));
  const norm = Math.sqrt(raw.reduce((sum, w) => sum + w * w, 0));
  return { terms: kept.map(([term]) => term), weights: raw.map((w) => w / norm) };
}
