import type { PendingRequest } from '../../machines/task-events.js';
import type { ConfigSource } from '../config/config-source.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { ResolvedModel } from '../config/resolved-model.js';
import { budgetLimits } from '../routing/budget-limits.js';
import { budgetWindow, nextBudgetWindow } from '../routing/budget-window.js';
import { type CallEstimate, estimateCall } from '../routing/estimate-call.js';
import type {
  BudgetLimit,
  BudgetRefusal,
  BudgetSettlement,
  BudgetUsage,
} from '../store/budget-records.js';
import type { PerformanceRow } from '../store/performance-row.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { CommitBatcher } from './commit-batcher.js';
import { sharedRead } from './shared-read.js';

/** A call's reservation: what it settles, and the estimate it set aside. */
export interface Reservation extends Omit<BudgetSettlement, 'tokens' | 'usd'> {
  estimate: CallEstimate;
  limits: BudgetLimit[];
  expiresAt: number;
  /** What the call reserved on top as it went (see `TokenAllowance`), settled with it. */
  extra: { id: string; estimate: CallEstimate }[];
}

/** A call about to run, as its reservation needs it. */
export interface CallToReserve {
  requestId: string;
  kind: PendingRequest['kind'];
  loaded: LoadedConfig;
  model: ResolvedModel;
  taskType: string | null;
  /** Characters of its prompt (the task, and for a review the output under review). */
  promptChars: number;
  /** Its whole-call limit: past it (and a recheck) an unsettled reservation stops counting. */
  timeoutMs: number;
}

/** What actual use a call settles with. */
export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * The budgets as this process keeps them: it reserves before a call runs, settles with what the
 * call used, and knows the window's use (read from the store, which other processes share, and
 * kept up to date with its own reservations and settlements in between).
 */
export interface BudgetLedger {
  /** The current budget window, as last read. */
  window(): string;
  /** Every scope's use in that window: settled, and reserved by unsettled calls. */
  usage(): BudgetUsage[];
  /**
   * Reads the window's use again when it may have changed (or at once, `force`d). Callers that
   * ask while a read is under way share it.
   */
  refresh(options?: { force?: boolean }): Promise<void>;
  /** Reserves what the call is estimated to use against its model's budgets, or says why not. */
  reserve(call: CallToReserve): Promise<Reservation | { refused: string }>;
  /** Reserves `tokens` more for a call under way, against the same budgets: null, or why not. */
  reserveMore(reservation: Reservation, tokens: number): Promise<string | null>;
  /** What settles a reservation with its actual use (none when there is no reservation). */
  settlementOf(reservation: Reservation | null, usage?: CallUsage): BudgetSettlement[];
  /** Stores settlements of calls that end without a reply (cancelled): the reservation goes. */
  release(settlements: BudgetSettlement[]): void;
  /** When a call refused for `why` checks again, and the line that says so. */
  recheck(why: string): { delayMs: number; note: string };
}

/** How often a call waiting for budget checks again (settlements free what was reserved). */
export const budgetRecheckMs = 60_000;
/** How long budget use read from the store stands before being read again. */
const budgetMaxAgeMs = 2_000;
const dayMs = 86_400_000;

function refusalText(refusal: BudgetRefusal): string {
  const amount = (value: number) =>
    refusal.measure === 'usd' ? `$${value.toFixed(2)}` : `${Math.round(value)} tokens`;
  return `over budget: ${refusal.scope} has ${amount(refusal.committed)} of its ${amount(refusal.limit)} used or reserved; this call needs about ${amount(refusal.requested)}`;
}

/**
 * Creates the budget ledger over a store (the window's use), a batcher (reservations ride with
 * the next group commit, checked in its transaction; settlements with the step they belong
 * to) and the performance history (what a call is estimated to use).
 *
 * @example
 * const ledger = createBudgetLedger({ store, batcher, clock, config, history: () => rows });
 * const reserved = await ledger.reserve({ requestId, kind: 'execute', loaded, model, taskType: 'coding', promptChars: 300, timeoutMs: 600_000 });
 * if ('refused' in reserved) console.log(reserved.refused); // over budget: group:external has …
 * else await batcher.stage({ settlements: ledger.settlementOf(reserved, usage) });
 */
export function createBudgetLedger(deps: {
  store: Store;
  batcher: Pick<CommitBatcher, 'stage' | 'reserve'>;
  clock: Clock;
  config: ConfigSource;
  history: () => readonly PerformanceRow[];
}): BudgetLedger {
  const { store, batcher, clock, config } = deps;
  let state = { window: '', usage: [] as BudgetUsage[], readAt: 0 };
  let stale = true;

  const offsetOf = (loaded: LoadedConfig) => loaded.config.cost_optimization.budget_utc_offset;

  // The window a moment falls in, kept until the next one starts: asked before every
  // reservation and every reply, it rarely changes (a date string made each time).
  let known = { offset: '', window: '', from: 0, until: 0 };
  function windowAt(now: number, offset: string): string {
    if (offset !== known.offset || now < known.from || now >= known.until) {
      const until = nextBudgetWindow(now, offset);
      known = { offset, window: budgetWindow(now, offset), from: until - dayMs, until };
    }
    return known.window;
  }

  /** Adds `used` and `reserved` to the scopes of a reservation, without reading the store. */
  function countLocally(reservation: Reservation, used: CallEstimate, reserved: CallEstimate) {
    if (reservation.window !== state.window) return;
    for (const scope of reservation.scopes) {
      let entry = state.usage.find((u) => u.scope === scope);
      if (!entry) {
        entry = {
          scope,
          window: state.window,
          tokens: 0,
          usd: 0,
          reservedTokens: 0,
          reservedUsd: 0,
        };
        state.usage.push(entry);
      }
      entry.tokens += used.tokens;
      entry.usd += used.usd;
      entry.reservedTokens = Math.max(0, entry.reservedTokens + reserved.tokens);
      entry.reservedUsd = Math.max(0, entry.reservedUsd + reserved.usd);
    }
  }

  // Every call about to reserve asks at once when the view goes stale: one read serves them all.
  const read = sharedRead(async (): Promise<void> => {
    const now = clock.now();
    const window = windowAt(now, offsetOf(config.current()));
    stale = false;
    try {
      state = { window, usage: await store.budgetUsage(window, now), readAt: now };
    } catch (error) {
      stale = true;
      throw error;
    }
  });

  async function refresh({ force = false } = {}): Promise<void> {
    if (force) stale = true;
    // A read under way may have begun before what a forced refresh must see: wait, then check.
    for (let underway = read.underway(); underway; underway = read.underway()) await underway;
    const now = clock.now();
    const window = windowAt(now, offsetOf(config.current()));
    if (!stale && state.window === window && now - state.readAt <= budgetMaxAgeMs) return;
    return read();
  }

  async function reserve(call: CallToReserve): Promise<Reservation | { refused: string }> {
    const { loaded, model } = call;
    const window = windowAt(clock.now(), offsetOf(loaded));
    const limits = budgetLimits(loaded.config, model);
    const estimate = estimateCall({
      kind: call.kind,
      model: {
        id: model.id,
        inputPrice: model.input_price_per_mtok,
        outputPrice: model.output_price_per_mtok,
      },
      taskType: call.taskType,
      history: deps.history(),
      defaultTokens: loaded.config.cost_optimization.estimated_tokens_per_call,
      promptChars: call.promptChars,
    });
    // Past its timeout a call has ended, settled or not (its process died).
    const expiresAt = clock.now() + call.timeoutMs + budgetRecheckMs;
    const refusal = await batcher.reserve({
      id: call.requestId,
      window,
      ...estimate,
      limits,
      at: clock.now(),
      expiresAt,
    });
    if (refusal) return { refused: refusalText(refusal) };
    const reservation: Reservation = {
      reservationId: call.requestId,
      window,
      scopes: limits.map((l) => l.scope),
      estimate,
      limits,
      expiresAt,
      extra: [],
    };
    countLocally(reservation, { tokens: 0, usd: 0 }, estimate);
    return reservation;
  }

  async function reserveMore(reservation: Reservation, tokens: number): Promise<string | null> {
    const { estimate } = reservation;
    const perToken = estimate.tokens > 0 ? estimate.usd / estimate.tokens : 0;
    const more = { tokens, usd: tokens * perToken };
    const id = `${reservation.reservationId}+${reservation.extra.length + 1}`;
    const refusal = await batcher.reserve({
      id,
      window: reservation.window,
      ...more,
      limits: reservation.limits,
      at: clock.now(),
      expiresAt: reservation.expiresAt,
    });
    if (refusal) return refusalText(refusal);
    reservation.extra.push({ id, estimate: more });
    countLocally(reservation, { tokens: 0, usd: 0 }, more);
    return null;
  }

  function settlementOf(reservation: Reservation | null, usage?: CallUsage): BudgetSettlement[] {
    if (!reservation) return [];
    const { reservationId, window, scopes, estimate, extra } = reservation;
    const used = {
      tokens: usage ? usage.inputTokens + usage.outputTokens : 0,
      usd: usage?.costUsd ?? 0,
    };
    countLocally(reservation, used, { tokens: -estimate.tokens, usd: -estimate.usd });
    // What it reserved on top is released: the use above stands for all of it.
    const released = extra.splice(0).map((more) => {
      const back = { tokens: -more.estimate.tokens, usd: -more.estimate.usd };
      countLocally(reservation, { tokens: 0, usd: 0 }, back);
      return { reservationId: more.id, window, scopes, tokens: 0, usd: 0 };
    });
    return [{ reservationId, window, scopes, ...used }, ...released];
  }

  function release(settlements: BudgetSettlement[]): void {
    if (settlements.length === 0) return;
    // A failed commit is the batcher's to report (it stops the orchestrator); nothing to add.
    batcher.stage({ settlements }).catch(() => {});
  }

  /** A minute later (settlements free what was reserved) or at the next window, if sooner. */
  function recheck(why: string): { delayMs: number; note: string } {
    const now = clock.now();
    const next = nextBudgetWindow(now, offsetOf(config.current()));
    const at = Math.min(next, now + budgetRecheckMs);
    const note = `waiting for budget (${why}); next check ${new Date(at).toISOString()}, next window ${new Date(next).toISOString()}`;
    return { delayMs: at - now, note };
  }

  return {
    window: () => state.window,
    usage: () => state.usage,
    refresh,
    reserve,
    reserveMore,
    settlementOf,
    release,
    recheck,
  };
}
