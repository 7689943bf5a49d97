/**
 * Whether absolute, normalized `path` is `directory` or lies under it.
 *
 * @example
 * isWithin('/work/task/src', '/work/task'); // true
 * isWithin('/work/task-2', '/work/task'); // false
 */
export function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory === '/' ? '/' : `${directory}/`);
}
