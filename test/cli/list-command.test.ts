import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('cto list with a stored row that cannot be read', () => {
  it('lists every readable task and shows the unreadable one in its place, with why', async () => {
    const sandbox = createSandbox();
    const ids: string[] = [];
    for (const text of ['First task', 'Torn task', 'Last task'])
      ids.push((await sandbox.cli('submit', text)).stdout.trim());
    const [first, torn, last] = ids as [string, string, string];
    const raw = new Database(join(sandbox.cwd, '.cto', 'state.db'));
    raw.prepare(`UPDATE tasks SET input = '{"descr' WHERE id = ?`).run(torn);
    const row = () => raw.prepare('SELECT * FROM tasks WHERE id = ?').get(torn);
    const before = row();

    const text = await sandbox.cli('list');
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${last} +classifying +\\S+ +Last task$`));
    expect(lines[1]).toMatch(
      new RegExp(
        `^${torn} +unreadable +\\S+ +its stored row cannot be read: stored JSON is unreadable$`,
      ),
    );
    expect(lines[2]).toMatch(new RegExp(`^${first} +classifying +\\S+ +First task$`));

    const json = await sandbox.cli('list', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: last, description: 'Last task' }),
      {
        id: torn,
        status: 'classifying',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        unreadable: 'its stored row cannot be read: stored JSON is unreadable',
      },
      expect.objectContaining({ id: first, description: 'First task' }),
    ]);
    expect(row()).toEqual(before);
    raw.close();
  });
});
