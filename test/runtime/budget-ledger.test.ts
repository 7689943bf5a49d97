import { describe, expect, it } from 'vitest';
import { createConfigSource } from '../../src/config/config-source.js';
import { type CallToReserve, createBudgetLedger } from '../../src/runtime/budget-ledger.js';
import { CommitBatcher } from '../../src/runtime/commit-batcher.js';
import { SimulatedClock } from '../../src/runtime/simulated-clock.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createSandbox } from '../helpers/sandbox.js';

const start = Date.UTC(2026, 10, 24, 12);
const day = '2026-11-24';

/** A ledger over an in-memory store whose external group has `external` tokens a day. */
function ledgerWith(external: number) {
  const sandbox = createSandbox();
  sandbox.write('orchestrator_config.json', {
    cto_model: 'sonnet',
    worker_models: { external: { deepseek: { max_concurrency: 100 } } },
    cost_optimization: {
      token_budget_per_day: { claude: 100_000_000, external },
      estimated_tokens_per_call: 2_000,
    },
  });
  const config = createConfigSource({ environment: () => sandbox.io() });
  const store = openSqliteStore(':memory:');
  const batcher = new CommitBatcher(store);
  const clock = new SimulatedClock(start);
  const ledger = createBudgetLedger({ store, batcher, clock, config, history: () => [] });
  const loaded = config.current();
  const model = loaded.models.find((m) => m.id === 'deepseek');
  if (!model) throw new Error('deepseek is not configured');
  const call = (requestId: string): CallToReserve => ({
    requestId,
    kind: 'execute',
    loaded,
    model,
    taskType: null,
    promptChars: 100,
    timeoutMs: 600_000,
  });
  return { ledger, store, batcher, clock, call, sandbox };
}

const reservedOf = (usage: { scope: string; reservedTokens: number }[], scope: string) =>
  usage.find((u) => u.scope === scope)?.reservedTokens ?? 0;

/** Another process's reservation of 1,000 tokens of a 10,000-token external budget. */
const reservedElsewhere = {
  reservations: [
    {
      id: 'elsewhere',
      window: day,
      tokens: 1_000,
      usd: 0,
      limits: [{ scope: 'group:external', tokens: 10_000, usd: null }],
      at: start,
      expiresAt: start + 3_600_000,
    },
  ],
};

describe('the budget ledger', () => {
  it('reserves until a budget is full, then says which and why, counting its own reservations locally', async () => {
    const { ledger, store, call } = ledgerWith(5_000);
    await ledger.refresh();
    expect(ledger.window()).toBe(day);
    const first = await ledger.reserve(call('a:execute:1'));
    const second = await ledger.reserve(call('b:execute:1'));
    const third = await ledger.reserve(call('c:execute:1'));
    expect('refused' in first || 'refused' in second).toBe(false);
    expect(third).toEqual({
      refused:
        'over budget: group:external has 4000 tokens of its 5000 tokens used or reserved; this call needs about 2000 tokens',
    });
    // Seen without reading the store again, and as the store has it.
    expect(reservedOf(ledger.usage(), 'group:external')).toBe(4_000);
    expect(reservedOf(ledger.usage(), 'model:deepseek')).toBe(4_000);
    expect(reservedOf(await store.budgetUsage(day, start), 'group:external')).toBe(4_000);
  });

  it('settles a reservation with what the call used, releasing what it reserved on top', async () => {
    const { ledger, store, batcher, call } = ledgerWith(10_000);
    await ledger.refresh();
    const reserved = await ledger.reserve(call('a:execute:1'));
    if ('refused' in reserved) throw new Error(reserved.refused);
    expect(await ledger.reserveMore(reserved, 3_000)).toBeNull();
    expect(await ledger.reserveMore(reserved, 6_000)).toMatch(
      /^over budget: group:external has 5000 tokens of its 10000 tokens used or reserved; this call needs about 6000 tokens$/,
    );
    expect(reserved.extra.map((more) => more.id)).toEqual(['a:execute:1+1']);
    const settlements = ledger.settlementOf(reserved, {
      inputTokens: 3_000,
      outputTokens: 1_000,
      costUsd: 0.01,
    });
    expect(settlements.map((s) => [s.reservationId, s.tokens])).toEqual([
      ['a:execute:1', 4_000],
      ['a:execute:1+1', 0],
    ]);
    expect(ledger.usage().find((u) => u.scope === 'group:external')).toMatchObject({
      tokens: 4_000,
      reservedTokens: 0,
    });
    await batcher.stage({ settlements });
    await ledger.refresh({ force: true });
    expect(ledger.usage().find((u) => u.scope === 'group:external')).toMatchObject({
      tokens: 4_000,
      reservedTokens: 0,
    });
    expect(await store.budgetUsage(day, start)).toEqual(ledger.usage());
  });

  it('releases a cancelled call: settled with nothing used, and nothing at all without a reservation', async () => {
    const { ledger, store, batcher, call } = ledgerWith(10_000);
    const reserved = await ledger.reserve(call('a:execute:1'));
    if ('refused' in reserved) throw new Error(reserved.refused);
    expect(ledger.settlementOf(null)).toEqual([]);
    ledger.release(ledger.settlementOf(reserved));
    await batcher.drain();
    expect(await store.budgetUsage(day, start)).toMatchObject([
      { scope: 'group:external', tokens: 0, reservedTokens: 0 },
      { scope: 'model:deepseek', tokens: 0, reservedTokens: 0 },
    ]);
  });

  it('reads use from the store again only when it may have changed: old, forced, or a new window', async () => {
    const { ledger, store, clock, call } = ledgerWith(10_000);
    await ledger.refresh();
    // Another process reserves: not seen until the view is old or a refresh is forced.
    await store.commit(reservedElsewhere);
    await ledger.refresh();
    expect(reservedOf(ledger.usage(), 'group:external')).toBe(0);
    clock.advance(2_001);
    await ledger.refresh();
    expect(reservedOf(ledger.usage(), 'group:external')).toBe(1_000);
    clock.advance(12 * 3_600_000);
    await ledger.refresh();
    expect(ledger.window()).toBe('2026-11-25');
    expect(ledger.usage()).toEqual([]);
    await ledger.reserve(call('a:execute:1'));
    await ledger.refresh({ force: true });
    expect(reservedOf(ledger.usage(), 'group:external')).toBe(2_000);
  });

  it('moves to the window of a new budget_utc_offset at once, the moment unchanged', async () => {
    const { ledger, sandbox } = ledgerWith(10_000);
    await ledger.refresh();
    expect(ledger.window()).toBe(day);
    sandbox.write('orchestrator_config.json', {
      cto_model: 'sonnet',
      worker_models: { external: { deepseek: { max_concurrency: 100 } } },
      cost_optimization: {
        token_budget_per_day: { claude: 100, external: 100 },
        budget_utc_offset: '+14:00',
      },
    });
    await ledger.refresh();
    expect(ledger.window()).toBe('2026-11-25');
  });

  it('shares one read among the calls that ask while it is under way; a forced refresh reads after it', async () => {
    const { ledger, store, clock } = ledgerWith(10_000);
    let reads = 0;
    const budgetUsage = store.budgetUsage.bind(store);
    store.budgetUsage = (window, now) => {
      reads += 1;
      return budgetUsage(window, now);
    };
    await Promise.all([ledger.refresh(), ledger.refresh(), ledger.refresh()]);
    expect(reads).toBe(1);
    clock.advance(2_001);
    const asking = [ledger.refresh(), ledger.refresh()];
    // Another process reserves while that read is under way: a forced refresh must see it.
    await store.commit(reservedElsewhere);
    await Promise.all([...asking, ledger.refresh({ force: true })]);
    expect(reads).toBe(3);
    expect(reservedOf(ledger.usage(), 'group:external')).toBe(1_000);
  });

  it('tells a waiting call to check again a minute later, or when the next window starts if sooner', () => {
    const { ledger, clock } = ledgerWith(10_000);
    expect(ledger.recheck('over budget: full')).toEqual({
      delayMs: 60_000,
      note: 'waiting for budget (over budget: full); next check 2026-11-24T12:01:00.000Z, next window 2026-11-25T00:00:00.000Z',
    });
    clock.advance(12 * 3_600_000 - 30_000);
    expect(ledger.recheck('full').delayMs).toBe(30_000);
  });
});
