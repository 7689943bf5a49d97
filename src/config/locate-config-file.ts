import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigEnvironment } from './config-environment.js';
import type { ConfigProblem } from './config-problem.js';
import { expandHome } from './expand-home.js';

export const configFileName = 'orchestrator_config.json';

export interface ConfigFileLocation {
  /** The file to read, or null when none exists (defaults and environment only). */
  path: string | null;
  /** Why this file: `ORCHESTRATOR_CONFIG`, `--config`, or the default location it was found in. */
  reason: string;
  /** Every path looked at, so a reload notices a file that appears later. */
  candidates: string[];
  /** Set when a file named explicitly does not exist: that is an error, not a fallback. */
  missing?: ConfigProblem;
}

/**
 * Finds the config file: an explicit path, else `ORCHESTRATOR_CONFIG`, else
 * `./orchestrator_config.json`, else `~/.config/cto/orchestrator_config.json`.
 *
 * @example
 * locateConfigFile({ env: {}, cwd: '/work', homeDir: '/root' }).candidates;
 * // ['/work/orchestrator_config.json', '/root/.config/cto/orchestrator_config.json']
 */
export function locateConfigFile(
  environment: ConfigEnvironment,
  explicitPath?: string,
): ConfigFileLocation {
  const { env, cwd, homeDir } = environment;
  const named: [string, string] | undefined = explicitPath
    ? ['the file given', explicitPath]
    : env.ORCHESTRATOR_CONFIG
      ? ['ORCHESTRATOR_CONFIG', env.ORCHESTRATOR_CONFIG]
      : undefined;
  if (named) {
    const path = expandHome(named[1], homeDir, cwd);
    const found = existsSync(path);
    return {
      path: found ? path : null,
      reason: named[0],
      candidates: [path],
      ...(found
        ? {}
        : {
            missing:
              named[0] === 'ORCHESTRATOR_CONFIG'
                ? { where: 'ORCHESTRATOR_CONFIG', message: `no such file: ${path}` }
                : { where: path, message: 'no such file' },
          }),
    };
  }
  const candidates = [join(cwd, configFileName), join(homeDir, '.config', 'cto', configFileName)];
  const path = candidates.find((candidate) => existsSync(candidate)) ?? null;
  return { path, reason: path ? 'default location' : 'no file found', candidates };
}
