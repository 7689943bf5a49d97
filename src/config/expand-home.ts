import { isAbsolute, join, resolve } from 'node:path';

/**
 * Resolves a path as users write it in configs: `~/…` is the home directory, a relative path
 * is taken from `baseDir`.
 *
 * @example
 * expandHome('~/agents/gpt-4/config.json', '/root', '/work'); // '/root/agents/gpt-4/config.json'
 */
export function expandHome(path: string, homeDir: string, baseDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
