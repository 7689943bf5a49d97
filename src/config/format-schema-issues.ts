import type { z } from 'zod';
import type { ConfigProblem } from './config-problem.js';
import { describeValue } from './describe-value.js';
import { formatJsonPath, valueAtPath } from './json-path.js';
import { nearestName } from './nearest-name.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** The keys an object schema accepts at `path`, unwrapping optionals, records and arrays. */
function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | undefined = schema;
  const steps = [...path];
  while (current) {
    const def = current._zod.def as unknown as {
      type: string;
      shape?: Record<string, AnySchema>;
      innerType?: AnySchema;
      valueType?: AnySchema;
      element?: AnySchema;
    };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') {
      current = def.innerType;
      continue;
    }
    if (steps.length === 0) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
    const step = steps.shift();
    if (def.type === 'object') current = def.shape?.[String(step)];
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'array') current = def.element;
    else return [];
  }
  return [];
}

function expectation(issue: Issue): string {
  // Messages we wrote into the schema already say what is allowed.
  if (issue.message.startsWith('expected')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string'
        ? 'expected a non-empty string'
        : `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`;
    default:
      return issue.message.toLowerCase();
  }
}

/**
 * Turns zod's issues for a config value into one problem per line: the JSON path, what is
 * wrong and what is allowed. An unknown key is named, with the nearest known key when one is
 * close (a typo such as `cto_modle`).
 *
 * @example
 * const result = configFileSchema.safeParse(raw);
 * if (!result.success) formatSchemaIssues(result.error.issues, raw, configFileSchema);
 * // [{ where: 'worker_models.external.kimi.has_tools', message: 'expected boolean, got "yes"' }]
 */
export function formatSchemaIssues(
  issues: readonly Issue[],
  input: unknown,
  schema: AnySchema,
  pathPrefix: readonly PropertyKey[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const near = nearestName(key, known);
        problems.push({
          where: formatJsonPath([...pathPrefix, ...issue.path, key]),
          message: near
            ? `unknown key; did you mean "${near}"?`
            : `unknown key; known keys here: ${known.join(', ')}`,
        });
      }
      continue;
    }
    const got = describeValue(valueAtPath(input, issue.path));
    problems.push({
      where: formatJsonPath([...pathPrefix, ...issue.path]),
      message: `${expectation(issue)}, got ${got}`,
    });
  }
  return problems;
}
