import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../bench/routing/dataset.js';
import { readDatasetSpec } from '../../bench/routing/read-dataset-spec.js';
import {
  longCsv,
  syntheticDataset,
  syntheticSpec,
  writeSyntheticSpec,
} from './synthetic-dataset.js';

const row = (instance: string, model: string, resolved: boolean, costUsd: number) => ({
  instance,
  model,
  resolved,
  costUsd,
});

/** What loading the CSV under the spec says: the one line of a failure, or 'ok'. */
function loadMessage(csv: string, spec: Record<string, unknown>): string {
  const read = readDatasetSpec(writeSyntheticSpec(csv, spec));
  if (!read.ok) return read.message;
  const load = loadDataset(read.spec, read.dataFile);
  return load.ok ? 'ok' : load.message;
}

// A wide layout as RouterBench has it: a prompt spanning lines, a type column, a split, one
// score and one cost column per model, and a flag for rows to leave out.
const wideHeader = 'id,kind,part,prompt,gpt,gpt|cost,tiny,tiny|cost,dup';
const wideSpec = {
  ...syntheticSpec(['gpt', 'tiny']),
  item: 'id',
  keep: { dup: '0' },
  type: undefined,
  type_column: { column: 'kind', values: { arc: 'research', mbpp: 'coding' } },
  text: 'prompt',
  text_after: '\n\n',
  split: { column: 'part', train: 'train', test: 'test' },
  outcomes: { layout: 'wide', solved: '{model}', cost: '{model}|cost' },
};
const wideCsv = [
  wideHeader,
  'q1,arc,train,"Example?\nB\n\nWhich gas?\nA) air, B) ""none""",1.0,0.5,0.0,0.01,0',
  'q2,mbpp,test,Write a function,0.0,0.7,1.0,0.02,0',
  'q2,mbpp,test,Another prompt under the same id,1.0,0.7,1.0,0.02,1',
].join('\n');

describe('loadDataset, long layout', () => {
  it("keeps the spec's models under our ids and skips rows of others", () => {
    const dataset = syntheticDataset(
      [
        row('a', 'deepseek-v3.2-reasoner', true, 0.5),
        row('b', 'deepseek-v3.2-reasoner', false, 0.25),
        row('a', 'claude-opus-4-5-20251101', true, 2),
        row('b', 'claude-opus-4-5-20251101', true, 3),
        row('a', 'devstral-2512', true, 9),
      ],
      {
        ...syntheticSpec([]),
        recommends: 'opus',
        models: {
          'claude-opus-4-5-20251101': { catalog: 'opus' },
          'deepseek-v3.2-reasoner': { catalog: 'deepseek' },
        },
      },
    );
    expect(dataset.models).toEqual(['opus', 'deepseek']);
    expect(dataset.items.map((item) => item.id)).toEqual(['a', 'b']);
    expect(dataset.items[0]).toEqual({ id: 'a', type: 'coding', text: null, split: null });
    expect(dataset.outcomes.get('deepseek')?.get('b')).toEqual({ resolved: false, costUsd: 0.25 });
    expect(dataset.datasetModelOf.opus).toBe('claude-opus-4-5-20251101');
  });

  it('names the model that lacks some items', () => {
    const csv = longCsv([
      row('a', 'Zeta', true, 1),
      row('b', 'Zeta', true, 1),
      row('a', 'Omega', true, 1),
    ]);
    expect(loadMessage(csv, syntheticSpec(['Zeta', 'Omega']))).toMatch(
      /: model "Omega" has 1 of the 2 items; a replay needs them all$/,
    );
  });

  it('names a model of the spec that has no rows', () => {
    const csv = longCsv([row('a', 'Zeta', true, 1)]);
    expect(loadMessage(csv, syntheticSpec(['Zeta', 'Qwen']))).toMatch(
      /: no rows for model "Qwen" in column "model_id"$/,
    );
  });

  it('names the column of a value that is not an outcome, and its row', () => {
    const csv = 'instance_id,model_id,resolved,cost_usd\na,Zeta,yes,1\n';
    expect(loadMessage(csv, syntheticSpec(['Zeta', 'Omega']))).toMatch(
      /: row 1: column "resolved" holds "yes", expected 0 or 1$/,
    );
    const cost = 'instance_id,model_id,resolved,cost_usd\na,Zeta,1,\n';
    expect(loadMessage(cost, syntheticSpec(['Zeta', 'Omega']))).toMatch(
      /: row 1: column "cost_usd" holds "", expected a cost in USD$/,
    );
  });

  it('names a column the spec gives that the file does not have', () => {
    const csv = 'instance,model_id,resolved,cost_usd\na,Zeta,1,1\n';
    expect(loadMessage(csv, syntheticSpec(['Zeta', 'Omega']))).toMatch(
      /: no column "instance_id" \(the spec's item column\)$/,
    );
  });

  it('says where it looked when the data file is missing', () => {
    const message = loadMessage('', {
      ...syntheticSpec(['Zeta', 'Omega']),
      file: 'absent/data.csv',
    });
    expect(message).toMatch(
      /^routing dataset not found: .*absent\/data\.csv \(the file the spec names\)$/,
    );
  });
});

describe('loadDataset, wide layout', () => {
  it('reads types, text spanning lines (after the marker where there is one), the split, and leaves out what keep does not hold', () => {
    const read = readDatasetSpec(writeSyntheticSpec(wideCsv, wideSpec));
    if (!read.ok) throw new Error(read.message);
    const load = loadDataset(read.spec, read.dataFile);
    if (!load.ok) throw new Error(load.message);
    const { dataset } = load;
    expect(dataset.skippedRows).toBe(1);
    expect(dataset.items).toEqual([
      { id: 'q1', type: 'research', text: 'Which gas?\nA) air, B) "none"', split: 'train' },
      { id: 'q2', type: 'coding', text: 'Write a function', split: 'test' },
    ]);
    expect(dataset.outcomes.get('tiny')?.get('q2')).toEqual({ resolved: true, costUsd: 0.02 });
  });

  it('names an item that appears twice', () => {
    const { keep: _, ...spec } = wideSpec;
    expect(loadMessage(wideCsv, spec)).toMatch(
      /: row 3: item "q2" \(column "id"\) appears twice; leave one out with "keep"$/,
    );
  });

  it("names a type the spec does not map, and a model's missing column", () => {
    const unmapped = wideCsv.replace('q2,mbpp', 'q2,gsm8k');
    expect(loadMessage(unmapped, wideSpec)).toMatch(
      /: row 2: column "kind" holds "gsm8k", which the spec's type_column.values does not map$/,
    );
    const noCost = wideCsv.replace('tiny|cost', 'tiny|total_cost');
    expect(loadMessage(noCost, wideSpec)).toMatch(/: no column "tiny\|cost" for model "tiny"$/);
  });

  it('names the row of a quote left open', () => {
    expect(loadMessage(`${wideHeader}\nq1,arc,train,"open,1,1,1,1,0\n`, wideSpec)).toMatch(
      /: line 2: a quoted field is never closed$/,
    );
  });
});
