import type pg from 'pg';

/**
 * A statement prepared once per connection, by name: call the result with its values.
 *
 * @example
 * const selectTask = statement('select_task', 'SELECT * FROM tasks WHERE id = $1');
 * await pool.query(selectTask(id));
 */
export function statement(name: string, text: string) {
  return (...values: unknown[]): pg.QueryConfig => ({ name: `cto_${name}`, text, values });
}
