import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { isWithin } from './is-within.js';
import { isSystemPath, type SystemMounts, systemMounts } from './system-mounts.js';

/** What a confined process may know of the orchestrator's environment, by name. */
const ALLOWED_NAMES = [
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'LC_NUMERIC',
  'LC_TIME',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'TZ',
  'USER',
  'LOGNAME',
];
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface SandboxEnvironmentSettings {
  /** Variables set as they are (`sandbox.env`). */
  env: Readonly<Record<string, string>>;
  /** Names copied from the orchestrator's environment (`sandbox.pass_env`). */
  pass_env: readonly string[];
  /** Directories mounted read-only besides the system (`sandbox.read_only_paths`). */
  read_only_paths: readonly string[];
}

/**
 * The environment of a confined process, built from an allowlist and never copied: PATH (its
 * entries that exist inside the sandbox), the locale, TERM, TZ and the user's name, what
 * `sandbox.pass_env` names, and `sandbox.env`. Keys, tokens and everything else the
 * orchestrator holds stay out, whatever their names. HOME and TMPDIR are the sandbox's own.
 *
 * @example
 * sandboxEnvironment({ env: {}, pass_env: [], read_only_paths: [] }, { PATH: '/root/.cargo/bin:/usr/bin', DEEPSEEK_API_KEY: 'sk-…' });
 * // { PATH: '/usr/bin', TMPDIR: '/tmp' }
 */
export function sandboxEnvironment(
  settings: SandboxEnvironmentSettings,
  from: Readonly<Record<string, string | undefined>>,
  mounts: SystemMounts = systemMounts(homedir()),
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...ALLOWED_NAMES, ...settings.pass_env]) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  const visible = (dir: string) =>
    isSystemPath(dir, mounts) || settings.read_only_paths.some((path) => isWithin(dir, path));
  const path = (from.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir.startsWith('/') && visible(dir));
  env.PATH = path.length > 0 ? [...new Set(path)].join(delimiter) : FALLBACK_PATH;
  env.TMPDIR = '/tmp';
  return { ...env, ...settings.env };
}
