import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

describe("today's usage", () => {
  it('is read back from the store by a new process, by provider group', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cto-usage-')), 'state.db');
    const first = testOrchestrator({ store: openSqliteStore(file) });
    // deepseek is the CTO (external); the coding task runs on an external model too.
    const task = await first.orchestrator.spawn({
      description: 'Add a flag',
      type: 'coding',
      model: 'sonnet',
    });
    await task.result;
    expect((await first.orchestrator.status()).usedToday).toEqual({ claude: 150, external: 300 });
    await first.orchestrator.stop();

    const second = testOrchestrator({ store: openSqliteStore(file) });
    expect((await second.orchestrator.status()).usedToday).toEqual({ claude: 150, external: 300 });
    await second.orchestrator.stop();

    // The next UTC day starts from nothing.
    const tomorrow = testOrchestrator({ store: openSqliteStore(file) });
    tomorrow.clock.advance(24 * 60 * 60 * 1000);
    expect((await tomorrow.orchestrator.status()).usedToday).toEqual({ claude: 0, external: 0 });
    await tomorrow.orchestrator.stop();
  });
});
