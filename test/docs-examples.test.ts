import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { legacyModelNames } from '../src/config/legacy-model-names.js';
import { loadConfig } from '../src/config/load-config.js';
import { parseJsonWithComments } from '../src/config/parse-json-with-comments.js';
import { configPresets, type PresetName } from '../src/config/presets.js';
import { createSandbox } from './helpers/sandbox.js';

const docs = join(import.meta.dirname, '..', 'docs');
const examples = readdirSync(join(docs, 'examples')).filter((name) => name.endsWith('.json'));

// Examples that document a preset must say what the preset writes.
const presetExamples: Record<string, PresetName> = {
  'max-savings.json': 'save-money',
  'claude-only.json': 'max-quality',
  'balanced.json': 'balanced',
  'development-testing.json': 'testing',
  'emergency-claude-only.json': 'emergency',
  'minimal-deepseek.json': 'minimal',
  'research-only-external.json': 'research-only',
};

describe('docs/examples', () => {
  it('has one file for each use case of the original', () => {
    expect(examples.sort()).toEqual([
      'add-gpt4.json',
      'balanced.json',
      'claude-only.json',
      'custom-token-budgets.json',
      'deepseek-first-fallback.json',
      'development-testing.json',
      'emergency-claude-only.json',
      'max-savings.json',
      'minimal-deepseek.json',
      'research-only-external.json',
    ]);
  });

  it.each(examples)('%s loads without a problem', (name) => {
    const result = loadConfig(createSandbox().io(), { file: join(docs, 'examples', name) });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each(Object.entries(presetExamples))('%s is what preset %s writes', (name, preset) => {
    const parsed = parseJsonWithComments(readFileSync(join(docs, 'examples', name), 'utf8'), name);
    expect(parsed).toEqual({ ok: true, value: configPresets[preset] });
  });

  it('documents every legacy model name the loader maps', () => {
    const text = readFileSync(join(docs, 'configuration.md'), 'utf8');
    const documented = Object.fromEntries(
      [...text.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(documented).toEqual(legacyModelNames);
  });
});
