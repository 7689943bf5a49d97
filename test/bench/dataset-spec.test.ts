import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../bench/routing/dataset.js';
import { readDatasetSpec } from '../../bench/routing/read-dataset-spec.js';
import { syntheticSpec, writeSyntheticSpec } from './synthetic-dataset.js';

const specs = join(import.meta.dirname, '../../bench/routing/specs');

/** The one line a spec gets, or 'ok'. */
function specMessage(spec: Record<string, unknown>): string {
  const read = readDatasetSpec(writeSyntheticSpec('', spec));
  return read.ok ? 'ok' : read.message.replace(/^.*spec\.json: /, '');
}

const base = syntheticSpec(['Zeta', 'Omega']);
const withModels = (models: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  ...base,
  recommends: 'opus',
  models: { 'claude-opus': { catalog: 'opus' }, ...models },
  ...rest,
});

describe('readDatasetSpec', () => {
  it('accepts a valid spec', () => {
    expect(specMessage(base)).toBe('ok');
  });

  it('names the model whose catalog id is unknown, with the ones it could be', () => {
    expect(specMessage(withModels({ 'glm-4.6': { catalog: 'glm5' } }))).toMatch(
      /^models\.glm-4\.6\.catalog: expected one of the catalog's models \(haiku, sonnet, opus, .*\), got "glm5"$/,
    );
  });

  it('names an added model without its tier and prices, and one with both roles', () => {
    expect(specMessage(withModels({ 'gpt-4': { added: 'gpt-4', tier: 4 } }))).toMatch(
      /^models\.gpt-4: expected tier, input_price_per_mtok and output_price_per_mtok for an added model/,
    );
    expect(specMessage(withModels({ x: { added: 'x', catalog: 'glm' } }))).toMatch(
      /^models\.x: expected exactly one of "catalog" \(a catalog model\) or "added"/,
    );
    expect(
      specMessage(
        withModels({
          x: { added: 'deepseek', tier: 1, input_price_per_mtok: 1, output_price_per_mtok: 1 },
        }),
      ),
    ).toMatch(/^models\.x\.added: expected an id the catalog does not use, got "deepseek"$/);
  });

  it('names the model cast twice and a recommendation the spec does not cast', () => {
    expect(specMessage(withModels({ other: { catalog: 'opus' } }))).toMatch(
      /^models\.other: expected each of our models once; opus plays two/,
    );
    expect(specMessage(withModels({ glm: { catalog: 'glm' } }, { recommends: 'sonnet' }))).toMatch(
      /^recommends: expected one of the spec's models \(opus, glm\), got "sonnet"$/,
    );
  });

  it("names a bad quality setting with the configuration's own message", () => {
    expect(specMessage({ ...base, quality: { failure_weight: 0 } })).toBe(
      'quality.failure_weight: expected a number from 1 to 1000, got 0',
    );
  });

  it('names an unknown key with the nearest known one, and a bad task type', () => {
    expect(specMessage({ ...base, itemm: 'id' })).toBe('itemm: unknown key; did you mean "item"?');
    expect(
      specMessage({
        ...base,
        type: undefined,
        type_column: { column: 'kind', values: { arc: 'science' } },
      }),
    ).toMatch(
      /^type_column\.values\.arc: expected one of "bash_command", "coding", .*, got "science"$/,
    );
  });

  it('says when the file is missing', () => {
    const path = writeSyntheticSpec('', base);
    const broken = readDatasetSpec(join(path, '..', 'absent.json'));
    expect(broken.ok ? '' : broken.message).toMatch(/^dataset spec not found: .*absent\.json$/);
  });
});

describe('the shipped specs', () => {
  it.each(['swebench-verified-bash-only.jsonc', 'routerbench-arc-mbpp.jsonc'])(
    '%s is valid and its data file loads (when ../shared has it)',
    (name) => {
      const read = readDatasetSpec(join(specs, name));
      if (!read.ok) throw new Error(read.message);
      const load = loadDataset(read.spec, read.dataFile);
      if (!load.ok) {
        // Without the shared data (not in the repository) only the spec itself is checked.
        expect(load.message).toMatch(/^routing dataset not found/);
        return;
      }
      expect(load.dataset.items.length).toBe(name.startsWith('swebench') ? 500 : 1883);
    },
  );
});

describe('readDatasetSpec on a file that is not JSON', () => {
  it('gives the line and column of the syntax error', () => {
    const path = writeSyntheticSpec('', base);
    writeFileSync(path, '{\n  "name": "x",\n  "item" "id"\n}\n');
    const read = readDatasetSpec(path);
    expect(read.ok ? '' : read.message).toMatch(/spec\.json:3:10: syntax error: expected ":"$/);
  });
});
