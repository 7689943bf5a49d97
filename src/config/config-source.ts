import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { ConfigEnvironment } from './config-environment.js';
import { ConfigError, type ConfigProblem, formatProblem } from './config-problem.js';
import { type LoadConfigOptions, type LoadedConfig, loadConfig } from './load-config.js';

/** What `cto status` shows about the configuration. */
export interface ConfigSourceStatus {
  file: string | null;
  loadedAt: Date | null;
  /** The problems of the newest edit, while the last good config stays in use; else null. */
  error: string[] | null;
}

/**
 * The configuration as the runtime sees it: asked again at every task pickup, so an edit of
 * the file or the environment takes effect without a restart.
 */
export interface ConfigSource {
  current(): LoadedConfig;
  status(): ConfigSourceStatus;
}

export interface ConfigSourceOptions extends LoadConfigOptions {
  /** Read on every call: pass `processEnvironment()` for the live process. */
  environment: () => ConfigEnvironment;
  logger?: Logger;
  now?: () => Date;
}

const watchedVariables =
  /^(ORCHESTRATOR_CONFIG|CTO_MODEL|MODEL_PROVIDER|CTO_AGENTS_DIR)$|_API_KEY$/;

/** Changes when any watched file or variable changes; hashed so it holds no key. */
function fingerprint(environment: ConfigEnvironment, paths: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(environment.cwd).update('\0').update(environment.homeDir);
  for (const [name, value] of Object.entries(environment.env).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (watchedVariables.test(name)) hash.update(`\0${name}=${value ?? ''}`);
  }
  for (const path of paths) {
    try {
      const stat = statSync(path, { bigint: true });
      hash.update(`\0${path}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`);
    } catch {
      hash.update(`\0${path}:missing`);
    }
  }
  return hash.digest('hex');
}

/**
 * A config source that re-reads the environment and the files only when one of them changed.
 * A broken edit keeps the last good configuration in force, is logged once and shown by
 * `status()`; it never stops the process. Throws `ConfigError` only when there has never been
 * a good configuration (at start-up).
 *
 * @example
 * const source = createConfigSource({ environment: processEnvironment, logger });
 * const { config } = source.current(); // at each task pickup
 */
export function createConfigSource(options: ConfigSourceOptions): ConfigSource {
  const now = options.now ?? (() => new Date());
  let good: LoadedConfig | null = null;
  let loadedAt: Date | null = null;
  let problems: ConfigProblem[] | null = null;
  let file: string | null = null;
  let watched: string[] = [];
  let seen: string | null = null;

  function current(): LoadedConfig {
    const environment = options.environment();
    // The fingerprint is taken before reading, so an edit made while we read is seen at the
    // next call. A load can add files to watch (agent configs), hence the second round.
    for (let round = 0; round < 2; round++) {
      const print = fingerprint(environment, watched);
      if (print === seen) break;
      seen = print;
      reload(environment);
    }
    if (good) return good;
    throw new ConfigError(problems ?? []);
  }

  function reload(environment: ConfigEnvironment): void {
    const result = loadConfig(environment, options);
    if (result.ok) {
      if (problems)
        options.logger?.info({ file: result.loaded.file }, 'configuration is valid again');
      else if (good)
        options.logger?.debug({ file: result.loaded.file }, 'configuration read again');
      good = result.loaded;
      loadedAt = now();
      file = good.file;
      watched = good.watchedPaths;
      problems = null;
      for (const warning of good.warnings) options.logger?.warn(warning);
      return;
    }
    file = result.file;
    watched = result.watchedPaths;
    const lines = result.problems.map(formatProblem);
    // Reported once: the same broken edit seen again at the next pickup is not news.
    if (JSON.stringify(lines) !== JSON.stringify(problems?.map(formatProblem))) {
      options.logger?.error(
        { file, problems: lines },
        good
          ? 'configuration change rejected; the last good configuration stays in use'
          : 'configuration is invalid',
      );
    }
    problems = result.problems;
  }

  return {
    current,
    status: () => ({ file, loadedAt, error: problems?.map(formatProblem) ?? null }),
  };
}
