import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { type AgentConfig, agentConfigSchema } from './agent-config-schema.js';
import type { ConfigProblem } from './config-problem.js';
import { formatSchemaIssues } from './format-schema-issues.js';
import { parseJsonWithComments } from './parse-json-with-comments.js';

export interface AgentConfigRead {
  config: AgentConfig | null;
  problems: ConfigProblem[];
  /** Keys nothing reads: a notice, since agent files of the original may carry extra fields. */
  notices: string[];
  /** A key in a file that group or others can read. */
  warnings: string[];
}

const lenientAgentConfigSchema = z.object(agentConfigSchema.shape);

/**
 * Reads one per-model agent config. A missing file is not an error (the key may come from the
 * environment); a malformed one is, and names the file.
 *
 * @example
 * const read = readAgentConfig('/root/agents/deepseek/config.json');
 * read.config?.model_id; // 'deepseek-chat'
 */
export function readAgentConfig(path: string): AgentConfigRead {
  const result: AgentConfigRead = { config: null, problems: [], notices: [], warnings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return result;
    result.problems.push({ where: path, message: `cannot read the agent config (${code})` });
    return result;
  }
  const parsed = parseJsonWithComments(text, path);
  if (!parsed.ok) {
    result.problems.push(...parsed.problems);
    return result;
  }
  const checked = agentConfigSchema.safeParse(parsed.value);
  if (!checked.success) {
    for (const problem of formatSchemaIssues(
      checked.error.issues,
      parsed.value,
      agentConfigSchema,
    )) {
      const line = { where: `${path}: ${problem.where}`, message: problem.message };
      if (problem.message.startsWith('unknown key'))
        result.notices.push(`${line.where}: ${line.message} (ignored)`);
      else result.problems.push(line);
    }
    if (result.problems.length > 0) return result;
  }
  result.config = lenientAgentConfigSchema.parse(parsed.value);
  if (result.config.api_key !== undefined) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      result.warnings.push(
        `${path} holds an API key and can be read by group or others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
      );
    }
  }
  return result;
}
