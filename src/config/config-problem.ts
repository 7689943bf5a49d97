/**
 * One thing wrong with a configuration, printed as one line: `<where>: <what is wrong>`.
 * `where` is a JSON path (`worker_models.external.kimi.has_tools`), an environment variable
 * (`CTO_MODEL`), or a file position (`orchestrator_config.json:3:5`).
 */
export interface ConfigProblem {
  where: string;
  message: string;
}

/** The one-line form of a problem, as `cto config validate` prints it. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.where}: ${problem.message}`;
}

/** Thrown where a bad configuration has to stop an operation; carries every problem found. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
