import { describe, expect, it } from 'vitest';
import {
  maxFeatureTerms,
  termOf,
  textFeatures,
  textFeaturesSchema,
  tokens,
} from '../../src/routing/text-features.js';

const dot = (a: ReturnType<typeof textFeatures>, b: ReturnType<typeof textFeatures>) => {
  const weights = new Map(b.terms.map((t, i) => [t, b.weights[i] ?? 0]));
  return a.terms.reduce((sum, t, i) => sum + (a.weights[i] ?? 0) * (weights.get(t) ?? 0), 0);
};

describe('text features', () => {
  it('splits words and identifiers, lower-cases, and drops numbers, letters and function words', () => {
    expect(tokens('Fix parseDuration in time_utils.py for the 2 cases, x')).toEqual([
      'fix',
      'parse',
      'duration',
      'time',
      'utils',
      'py',
      'cases',
    ]);
    expect(tokens('Überprüfe die Größe')).toEqual(['überprüfe', 'die', 'größe']);
    expect(tokens('')).toEqual([]);
  });

  it('weights repeated words by 1 + ln(count) and scales the vector to unit length', () => {
    const features = textFeatures('retry retry retry loop');
    const retry = features.terms.indexOf(termOf('retry'));
    const loop = features.terms.indexOf(termOf('loop'));
    const raw = 1 + Math.log(3);
    expect(features.weights[retry]).toBeCloseTo(raw / Math.sqrt(raw * raw + 1), 6);
    expect(features.weights[loop]).toBeCloseTo(1 / Math.sqrt(raw * raw + 1), 6);
    expect(dot(features, features)).toBeCloseTo(1, 6);
    expect(features.terms).toEqual([...features.terms].sort((a, b) => a - b));
    expect(textFeaturesSchema.safeParse(features).success).toBe(true);
  });

  it('keeps only the most frequent terms of a long text', () => {
    const letter = (n: number) => String.fromCharCode(97 + n);
    const words = Array.from(
      { length: 200 },
      (_, i) => `word${letter(i % 26)}${letter(Math.floor(i / 26))}`,
    );
    const text = `${words.join(' ')} ${'often '.repeat(5)}`;
    const features = textFeatures(text);
    expect(features.terms).toHaveLength(maxFeatureTerms);
    expect(features.terms).toContain(termOf('often'));
    // Among words seen as often, the first seen are kept.
    expect(features.terms).toContain(termOf('wordaa'));
    expect(features.terms).not.toContain(termOf('wordrh'));
  });

  it('scores texts about the same thing as closer than texts about different things', () => {
    const a = textFeatures('The date parser rejects ISO dates with a timezone offset');
    const b = textFeatures('Parsing an ISO date with a timezone offset fails in the date parser');
    const c = textFeatures('Add a retry with backoff to the HTTP client upload');
    expect(dot(a, b)).toBeGreaterThan(0.5);
    expect(dot(a, c)).toBe(0);
  });

  it('has no features for a text without words, and rejects malformed ones', () => {
    expect(textFeatures('42 !!')).toEqual({ terms: [], weights: [] });
    expect(textFeaturesSchema.safeParse({ terms: [1, 2], weights: [1] }).success).toBe(false);
  });
});
