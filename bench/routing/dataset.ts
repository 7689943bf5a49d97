import { existsSync, readFileSync } from 'node:fs';
import type { TaskType } from '../../machines/task-types.js';
import { type DatasetSpec, ourModelId } from './dataset-spec-schema.js';
import { parseCsv } from './parse-csv.js';

/** What one model's single run on one item gave: solved or not, and its cost. */
export interface Outcome {
  resolved: boolean;
  costUsd: number;
}

/** One item of a dataset: a task with its type, and its text and split where the data has them. */
export interface Item {
  id: string;
  type: TaskType;
  text: string | null;
  split: 'train' | 'test' | null;
}

/** A dataset as the replay uses it: items, and outcomes by our model id and item id. */
export interface Dataset {
  name: string;
  credit: string;
  file: string;
  /** Sorted by id. */
  items: Item[];
  /** Our model ids, in the spec's order. */
  models: string[];
  /** The dataset model whose runs stand for each of ours. */
  datasetModelOf: Readonly<Record<string, string>>;
  outcomes: ReadonlyMap<string, ReadonlyMap<string, Outcome>>;
  /** Rows left out by the spec's `keep`. */
  skippedRows: number;
}

export type DatasetLoad = { ok: true; dataset: Dataset } | { ok: false; message: string };

/** A row of the data file: its number (the first row after the header is 1) and its cells by column name. */
interface Row {
  line: number;
  cell(name: string): string;
}

const solvedValues: Readonly<Record<string, boolean>> = {
  '0': false,
  '1': true,
  '0.0': false,
  '1.0': true,
  false: false,
  true: true,
  False: false,
  True: true,
};

/** What makes a dataset unusable: one line naming the file, the line, the column or the model. */
class DatasetProblem extends Error {}

/**
 * Reads the outcome dataset a spec describes, in place (never copied). Never throws for bad
 * input: a missing file, a missing column, a model without data, a value that is not an
 * outcome, an item listed twice or a model that lacks items comes back as one line.
 *
 * @example
 * const read = readDatasetSpec('bench/routing/specs/routerbench-arc-mbpp.jsonc');
 * const load = read.ok ? loadDataset(read.spec, read.dataFile) : read;
 * if (load.ok) outcomeOf(load.dataset, 'gpt-4', 'arc-challenge.test.1108'); // { resolved: true, costUsd: 0.0049 }
 */
export function loadDataset(spec: DatasetSpec, file: string): DatasetLoad {
  if (!existsSync(file)) {
    return { ok: false, message: `routing dataset not found: ${file} (the file the spec names)` };
  }
  try {
    const { rows, skipped, columns } = readRows(spec, file);
    const datasetModelOf = Object.fromEntries(
      Object.entries(spec.models).map(([name, role]) => [ourModelId(role), name]),
    );
    const { items, outcomes } =
      spec.outcomes.layout === 'long'
        ? longOutcomes(spec, rows, datasetModelOf)
        : wideOutcomes(spec, rows, datasetModelOf, columns);
    for (const [model, byItem] of outcomes) {
      if (byItem.size !== items.size) {
        throw new DatasetProblem(
          `model "${datasetModelOf[model]}" has ${byItem.size} of the ${items.size} items; a replay needs them all`,
        );
      }
    }
    return {
      ok: true,
      dataset: {
        name: spec.name,
        credit: spec.credit,
        file,
        items: [...items.values()].sort((a, b) => a.id.localeCompare(b.id)),
        models: Object.keys(datasetModelOf),
        datasetModelOf,
        outcomes,
        skippedRows: skipped,
      },
    };
  } catch (error) {
    if (error instanceof DatasetProblem) return { ok: false, message: `${file}: ${error.message}` };
    throw error;
  }
}

/** The data file's rows that the spec keeps, with every column the spec names checked. */
function readRows(
  spec: DatasetSpec,
  file: string,
): { rows: Row[]; skipped: number; columns: ReadonlySet<string> } {
  let records: string[][];
  try {
    records = parseCsv(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DatasetProblem((error as Error).message);
  }
  const header = records[0] ?? [];
  const index = new Map(header.map((name, i) => [name, i]));
  const { outcomes } = spec;
  const named = [
    ['item', spec.item],
    ['text', spec.text],
    ['split', spec.split?.column],
    ['type', spec.type_column?.column],
    ...Object.keys(spec.keep ?? {}).map((name) => ['keep', name]),
    ...(outcomes.layout === 'long'
      ? (['model', 'solved', 'cost'] as const).map((key) => [key, outcomes[key]])
      : []),
  ];
  for (const [what, name] of named) {
    if (name !== undefined && !index.has(name))
      throw new DatasetProblem(`no column "${name}" (the spec's ${what} column)`);
  }
  const rows = records.slice(1).map(
    (cells, i): Row => ({
      line: i + 1,
      cell: (name) => cells[index.get(name) ?? -1] ?? '',
    }),
  );
  const kept = rows.filter((row) =>
    Object.entries(spec.keep ?? {}).every(([name, value]) => row.cell(name) === value),
  );
  return { rows: kept, skipped: rows.length - kept.length, columns: new Set(header) };
}

/** The item a row describes: its id, type, text and split, as the spec says where they are. */
function itemOf(spec: DatasetSpec, row: Row): Item {
  const id = row.cell(spec.item);
  if (!id) throw new DatasetProblem(`row ${row.line}: no item id in column "${spec.item}"`);
  let type = spec.type as TaskType;
  if (spec.type_column) {
    const { column, values } = spec.type_column;
    const mapped = values[row.cell(column)];
    if (!mapped) {
      throw new DatasetProblem(
        `row ${row.line}: column "${column}" holds "${row.cell(column)}", which the spec's type_column.values does not map`,
      );
    }
    type = mapped;
  }
  let split: Item['split'] = null;
  if (spec.split) {
    const value = row.cell(spec.split.column);
    split = value === spec.split.train ? 'train' : value === spec.split.test ? 'test' : null;
    if (!split) {
      throw new DatasetProblem(
        `row ${row.line}: column "${spec.split.column}" holds "${value}", neither "${spec.split.train}" nor "${spec.split.test}"`,
      );
    }
  }
  return {
    id,
    type,
    text: spec.text ? taskText(row.cell(spec.text), spec.text_after) : null,
    split,
  };
}

/** The task's own text: what follows the last `after` marker, or all of it without one. */
function taskText(text: string, after: string | undefined): string {
  const at = after === undefined ? -1 : text.lastIndexOf(after);
  return at === -1 ? text : text.slice(at + (after as string).length);
}

/** One outcome from its two cells, or a line naming the column that holds a bad value. */
function outcomeFrom(row: Row, solvedColumn: string, costColumn: string): Outcome {
  const resolved = solvedValues[row.cell(solvedColumn)];
  if (resolved === undefined) {
    throw new DatasetProblem(
      `row ${row.line}: column "${solvedColumn}" holds "${row.cell(solvedColumn)}", expected 0 or 1`,
    );
  }
  const costUsd = Number(row.cell(costColumn));
  if (row.cell(costColumn) === '' || !Number.isFinite(costUsd) || costUsd < 0) {
    throw new DatasetProblem(
      `row ${row.line}: column "${costColumn}" holds "${row.cell(costColumn)}", expected a cost in USD`,
    );
  }
  return { resolved, costUsd };
}

type Outcomes = { items: Map<string, Item>; outcomes: Map<string, Map<string, Outcome>> };

/** Long layout: one row per item and model; rows of models the spec does not name are skipped. */
function longOutcomes(
  spec: DatasetSpec,
  rows: readonly Row[],
  datasetModelOf: Readonly<Record<string, string>>,
): Outcomes {
  if (spec.outcomes.layout !== 'long') throw new Error('longOutcomes reads the long layout');
  const { model: modelColumn, solved, cost } = spec.outcomes;
  const ours = new Map(Object.entries(datasetModelOf).map(([id, name]) => [name, id]));
  const items = new Map<string, Item>();
  const outcomes = new Map(
    Object.keys(datasetModelOf).map((id) => [id, new Map<string, Outcome>()]),
  );
  for (const row of rows) {
    const item = itemOf(spec, row);
    if (!items.has(item.id)) items.set(item.id, item);
    const id = ours.get(row.cell(modelColumn));
    if (id === undefined) continue;
    const byItem = outcomes.get(id) as Map<string, Outcome>;
    if (byItem.has(item.id)) {
      throw new DatasetProblem(
        `row ${row.line}: model "${row.cell(modelColumn)}" has a second row for item "${item.id}"`,
      );
    }
    byItem.set(item.id, outcomeFrom(row, solved, cost));
  }
  for (const [id, byItem] of outcomes) {
    if (byItem.size === 0)
      throw new DatasetProblem(
        `no rows for model "${datasetModelOf[id]}" in column "${modelColumn}"`,
      );
  }
  return { items, outcomes };
}

/** Wide layout: one row per item, a solved and a cost column per model. */
function wideOutcomes(
  spec: DatasetSpec,
  rows: readonly Row[],
  datasetModelOf: Readonly<Record<string, string>>,
  columns: ReadonlySet<string>,
): Outcomes {
  if (spec.outcomes.layout !== 'wide') throw new Error('wideOutcomes reads the wide layout');
  const { solved, cost } = spec.outcomes;
  const columnsOf = Object.entries(datasetModelOf).map(([id, name]) => {
    const pair = [solved, cost].map((template) => template.replaceAll('{model}', name));
    const missing = pair.find((column) => !columns.has(column));
    if (missing) throw new DatasetProblem(`no column "${missing}" for model "${name}"`);
    return { id, solvedColumn: pair[0] as string, costColumn: pair[1] as string };
  });
  const items = new Map<string, Item>();
  const outcomes = new Map(columnsOf.map(({ id }) => [id, new Map<string, Outcome>()]));
  for (const row of rows) {
    const item = itemOf(spec, row);
    if (items.has(item.id)) {
      throw new DatasetProblem(
        `row ${row.line}: item "${item.id}" (column "${spec.item}") appears twice; leave one out with "keep"`,
      );
    }
    items.set(item.id, item);
    for (const { id, solvedColumn, costColumn } of columnsOf) {
      outcomes.get(id)?.set(item.id, outcomeFrom(row, solvedColumn, costColumn));
    }
  }
  return { items, outcomes };
}

/**
 * One of our models' outcome on one item; throws when the dataset lacks it (a bench bug: the
 * loader checked every model has every item).
 *
 * @example
 * outcomeOf(dataset, 'deepseek', 'django__django-11532'); // { resolved: true, costUsd: 0.0257 }
 */
export function outcomeOf(dataset: Dataset, model: string, item: string): Outcome {
  const outcome = dataset.outcomes.get(model)?.get(item);
  if (!outcome) throw new Error(`no outcome for ${model} on ${item} in ${dataset.file}`);
  return outcome;
}
