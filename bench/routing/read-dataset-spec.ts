import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatSchemaIssues } from '../../src/config/format-schema-issues.js';
import { parseJsonWithComments } from '../../src/config/parse-json-with-comments.js';
import { type DatasetSpec, datasetSpecSchema } from './dataset-spec-schema.js';

/** A spec as read: the spec itself and the absolute path of the data file it names. */
export type SpecRead =
  | { ok: true; spec: DatasetSpec; path: string; dataFile: string }
  | { ok: false; message: string };

/**
 * Reads a dataset spec (JSON; comments and trailing commas allowed) and validates it. Never
 * throws for bad input: a missing file, a syntax error or the first thing the schema rejects
 * comes back as one line naming the file and the key (the column or model) at fault.
 *
 * @example
 * const read = readDatasetSpec('bench/routing/specs/routerbench-arc-mbpp.jsonc');
 * if (!read.ok) console.error(read.message); // 'specs/x.json: models.gpt-4.tier: expected an integer from 1 to 9, got "4"'
 */
export function readDatasetSpec(specPath: string): SpecRead {
  const path = resolve(specPath);
  if (!existsSync(path)) return { ok: false, message: `dataset spec not found: ${path}` };
  const parsed = parseJsonWithComments(readFileSync(path, 'utf8'), path);
  if (!parsed.ok) {
    const [problem] = parsed.problems;
    return { ok: false, message: `${problem?.where}: ${problem?.message}` };
  }
  const result = datasetSpecSchema.safeParse(parsed.value);
  if (!result.success) {
    const [problem] = formatSchemaIssues(result.error.issues, parsed.value, datasetSpecSchema);
    return { ok: false, message: `${path}: ${problem?.where}: ${problem?.message}` };
  }
  return { ok: true, spec: result.data, path, dataFile: resolve(dirname(path), result.data.file) };
}
