import type Database from 'better-sqlite3';
import type { BudgetRefusal, BudgetReservation, BudgetSettlement } from './budget-records.js';

/** A reservation row for one scope, as a `DELETE … RETURNING` gives it back. */
interface ReservationRow {
  scope: string;
  window: string;
  tokens: number;
  usd: number;
}

/**
 * A scope's use as the batch sees it: what is stored (settled, and what other stores' rows
 * reserve), and what the batch adds to it. This store's own reservations are in its memory.
 */
interface ScopeUse {
  window: string;
  scope: string;
  stored: { tokens: number; usd: number; others_tokens: number; others_usd: number } | null;
  /** Whether the batch settles use in it. */
  settled: boolean;
  tokens: number;
  usd: number;
  /** Other stores' rows the batch deleted (expired, or replaced), taken off `stored`. */
  droppedTokens: number;
  droppedUsd: number;
}

/** What one batch does to the budgets: settlements, then reservations in order. */
export interface BudgetWork {
  settlements?: readonly BudgetSettlement[] | undefined;
  reservations?: readonly BudgetReservation[] | undefined;
}

/** The budget part of a batch: the reservations refused, and what to keep once it commits. */
export interface BudgetOutcome {
  overBudget: { id: string; refusal: BudgetRefusal }[];
  /** Call once the batch's transaction has committed (never after a rollback). */
  committed(): void;
}

/** A live reservation of this store, held in memory. */
interface Held {
  window: string;
  tokens: number;
  usd: number;
  expiresAt: number;
  scopes: readonly string[];
}

const noBudgetWork: BudgetOutcome = { overBudget: [], committed: () => {} };

/**
 * Each scope of a window: its settled use, and what its reservations unexpired at `now` hold,
 * every store's rows summed (a scope's reserved use is the sum of its rows).
 */
export const sqliteUsageQuery = `SELECT scope, SUM(tokens) AS tokens, SUM(usd) AS usd,
    SUM(reserved_tokens) AS reservedTokens, SUM(reserved_usd) AS reservedUsd FROM (
  SELECT scope, tokens, usd, 0 AS reserved_tokens, 0 AS reserved_usd
  FROM budget_usage WHERE window = @window
  UNION ALL
  SELECT scope, 0, 0, IIF(expires_at > @now, tokens, 0), IIF(expires_at > @now, usd, 0)
  FROM budget_reservations WHERE window = @window
) GROUP BY scope ORDER BY scope`;

/**
 * The budget part of a SQLite group commit, run inside the batch's transaction.
 *
 * A store's live reservations are held in its memory; what they hold in a scope is one row of
 * `budget_reservations` (id `<holder>/<window>`, `holder` unique to the store), written with
 * the batch that changes it and expiring with the last of them. So a call that reserves in one
 * batch and settles in a later one writes no row of its own: each batch writes the totals of
 * the scopes it changes, once, whatever the number of calls in it. A scope's reserved use is
 * the sum of its rows (these totals, and rows of one reservation each that another store or
 * an older version wrote): every process sees every other's totals inside its transaction, so
 * no limit is ever passed; a dead process's totals stop counting when its last reservation
 * expires. Settled use is added up per scope and written in one statement.
 *
 * The order is the store contract's: every reservation that a settlement or a new
 * reservation of the batch replaces stops counting first (as PostgreSQL's
 * `cto_commit_budget` does), the settlements' use is added, then each reservation is checked
 * against every limit it counts in, counting what the batch has reserved before it; one that
 * would exceed a limit drops the expired reservations of its scopes and checks once more,
 * and is refused alone if still over.
 *
 * @example
 * const commitBudget = sqliteBudgetCommit(db, 'hold:7f3a');
 * const outcome = db.transaction(() => commitBudget(batch))(); // outcome.overBudget: [{ id: 'r2', refusal }]
 * outcome.committed();
 */
export function sqliteBudgetCommit(
  db: Database.Database,
  holder: string,
): (work: BudgetWork) => BudgetOutcome {
  /** This store's live reservations, as of its last committed batch. */
  const held = new Map<string, Held>();
  const holdId = (window: string) => `${holder}/${window}`;
  const deleteByIds = db.prepare(
    `DELETE FROM budget_reservations WHERE id IN (SELECT value FROM json_each(?))
     RETURNING scope, window, tokens, usd`,
  );
  // Other stores' expired rows (this store's own are in its memory).
  const deleteExpired = db.prepare(
    `DELETE FROM budget_reservations
     WHERE expires_at <= ? AND window = ? AND scope IN (SELECT value FROM json_each(?))
       AND id <> ? RETURNING scope, window, tokens, usd`,
  );
  const selectScope = db.prepare(
    `SELECT COALESCE((SELECT tokens FROM budget_usage WHERE window = @window AND scope = @scope), 0) AS tokens,
       COALESCE((SELECT usd FROM budget_usage WHERE window = @window AND scope = @scope), 0) AS usd,
       COALESCE(SUM(tokens), 0) AS others_tokens, COALESCE(SUM(usd), 0) AS others_usd
     FROM budget_reservations WHERE window = @window AND scope = @scope AND id <> @hold`,
  );
  const writeHolds = db.prepare(
    `INSERT INTO budget_reservations (id, scope, window, tokens, usd, at, expires_at)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
     FROM json_each(?) WHERE true
     ON CONFLICT (id, scope) DO UPDATE SET tokens = excluded.tokens, usd = excluded.usd,
       at = excluded.at, expires_at = excluded.expires_at`,
  );
  const deleteHolds = db.prepare(
    `DELETE FROM budget_reservations
     WHERE (id, scope) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
  );
  // `WHERE true`: an upsert whose rows come from a SELECT needs a WHERE (SQLite's grammar).
  const addUsage = db.prepare(
    `INSERT INTO budget_usage (window, scope, tokens, usd)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) WHERE true
     ON CONFLICT (window, scope) DO UPDATE SET tokens = tokens + excluded.tokens,
       usd = usd + excluded.usd`,
  );

  return function commitBudget(work) {
    const settlements = work.settlements ?? [];
    const reservations = work.reservations ?? [];
    if (settlements.length === 0 && reservations.length === 0) return noBudgetWork;
    // What this batch changes of `held` (null: gone), kept apart until the batch commits.
    const changes = new Map<string, Held | null>();
    const heldNow = (id: string): Held | undefined => {
      const changed = changes.get(id);
      return changed === null ? undefined : (changed ?? held.get(id));
    };
    const heldIds = () => new Set([...held.keys(), ...changes.keys()]);
    const keyOf = (window: string, scope: string) => `${window}\u0000${scope}`;
    /** The scopes whose totals the batch changes. */
    const touched = new Set<string>();
    const uses = new Map<string, ScopeUse>();
    const useOf = (window: string, scope: string): ScopeUse => {
      const key = keyOf(window, scope);
      let use = uses.get(key);
      if (!use) {
        use = {
          window,
          scope,
          stored: null,
          settled: false,
          tokens: 0,
          usd: 0,
          droppedTokens: 0,
          droppedUsd: 0,
        };
        uses.set(key, use);
      }
      return use;
    };
    /** Takes other stores' deleted rows off their scopes' reserved use. */
    const dropped = (rows: readonly ReservationRow[]) => {
      for (const row of rows) {
        const use = useOf(row.window, row.scope);
        use.droppedTokens += row.tokens;
        use.droppedUsd += row.usd;
      }
    };
    /** What this store's reservations hold per scope, as the batch has them (made when needed). */
    let own: Map<string, { tokens: number; usd: number }> | null = null;
    const addOwn = (h: Held, sign: 1 | -1) => {
      if (!own) return;
      for (const scope of h.scopes) {
        const key = keyOf(h.window, scope);
        const total = own.get(key) ?? { tokens: 0, usd: 0 };
        total.tokens += sign * h.tokens;
        total.usd += sign * h.usd;
        own.set(key, total);
      }
    };
    const hold = (id: string, h: Held | null) => {
      const before = heldNow(id);
      if (before) addOwn(before, -1);
      if (h) addOwn(h, 1);
      for (const x of [before, h])
        if (x) for (const scope of x.scopes) touched.add(keyOf(x.window, scope));
      changes.set(id, h);
    };

    const replaced = [...settlements.map((s) => s.reservationId), ...reservations.map((r) => r.id)];
    const elsewhere: string[] = [];
    for (const id of replaced) {
      if (heldNow(id)) hold(id, null);
      else elsewhere.push(id);
    }
    // A reservation made by another store (a call resumed here) is replaced all the same.
    if (elsewhere.length > 0)
      dropped(deleteByIds.all(JSON.stringify(elsewhere)) as ReservationRow[]);
    for (const settlement of settlements) {
      for (const scope of settlement.scopes) {
        const use = useOf(settlement.window, scope);
        use.settled = true;
        use.tokens += settlement.tokens;
        use.usd += settlement.usd;
      }
    }

    /** What this store's reservations hold in a scope, as the batch has them so far. */
    const ownIn = (window: string, scope: string) => {
      if (!own) {
        own = new Map();
        for (const id of heldIds()) {
          const h = heldNow(id);
          if (h) addOwn(h, 1);
        }
      }
      return own.get(keyOf(window, scope)) ?? { tokens: 0, usd: 0 };
    };
    /** The first limit `reservation` would take past, counting what the batch holds so far. */
    const overLimit = (reservation: BudgetReservation): BudgetRefusal | null => {
      for (const limit of reservation.limits) {
        if (limit.tokens === null && limit.usd === null) continue;
        const { window } = reservation;
        const use = useOf(window, limit.scope);
        use.stored ??= selectScope.get({
          window,
          scope: limit.scope,
          hold: holdId(window),
        }) as NonNullable<ScopeUse['stored']>;
        const own = ownIn(window, limit.scope);
        const committed = {
          tokens:
            use.stored.tokens +
            use.tokens +
            use.stored.others_tokens -
            use.droppedTokens +
            own.tokens,
          usd: use.stored.usd + use.usd + use.stored.others_usd - use.droppedUsd + own.usd,
        };
        for (const measure of ['tokens', 'usd'] as const) {
          const cap = limit[measure];
          if (cap !== null && committed[measure] + reservation[measure] > cap) {
            return {
              scope: limit.scope,
              measure,
              committed: committed[measure],
              requested: reservation[measure],
              limit: cap,
            };
          }
        }
      }
      return null;
    };
    /** Stops counting the reservations of its scopes expired at its time: ours and others'. */
    const dropExpired = (reservation: BudgetReservation) => {
      const scopes = reservation.limits.map((limit) => limit.scope);
      for (const id of heldIds()) {
        const h = heldNow(id);
        if (!h || h.window !== reservation.window || h.expiresAt > reservation.at) continue;
        const left = h.scopes.filter((scope) => !scopes.includes(scope));
        if (left.length < h.scopes.length)
          hold(id, left.length > 0 ? { ...h, scopes: left } : null);
      }
      const rows = deleteExpired.all(
        reservation.at,
        reservation.window,
        JSON.stringify(scopes),
        holdId(reservation.window),
      );
      dropped(rows as ReservationRow[]);
    };

    const overBudget: { id: string; refusal: BudgetRefusal }[] = [];
    for (const reservation of reservations) {
      // Made twice in one batch: the later one replaces the earlier.
      if (heldNow(reservation.id)) hold(reservation.id, null);
      if (overLimit(reservation)) {
        dropExpired(reservation);
        const refusal = overLimit(reservation);
        if (refusal) {
          overBudget.push({ id: reservation.id, refusal });
          continue;
        }
      }
      hold(reservation.id, {
        window: reservation.window,
        tokens: reservation.tokens,
        usd: reservation.usd,
        expiresAt: reservation.expiresAt,
        scopes: reservation.limits.map((limit) => limit.scope),
      });
    }

    // Each changed scope's total, from this store's reservations as the batch leaves them.
    if (touched.size > 0) {
      const totals = new Map<string, { tokens: number; usd: number; expiresAt: number }>();
      for (const id of heldIds()) {
        const h = heldNow(id);
        if (!h) continue;
        for (const scope of h.scopes) {
          const key = keyOf(h.window, scope);
          if (!touched.has(key)) continue;
          const total = totals.get(key);
          if (total) {
            total.tokens += h.tokens;
            total.usd += h.usd;
            total.expiresAt = Math.max(total.expiresAt, h.expiresAt);
          } else totals.set(key, { tokens: h.tokens, usd: h.usd, expiresAt: h.expiresAt });
        }
      }
      const at = reservations.reduce((latest, r) => Math.max(latest, r.at), 0);
      const written: unknown[][] = [];
      const emptied: string[][] = [];
      for (const key of touched) {
        const [window = '', scope = ''] = key.split('\u0000');
        const total = totals.get(key);
        if (total)
          written.push([
            holdId(window),
            scope,
            window,
            total.tokens,
            total.usd,
            at,
            total.expiresAt,
          ]);
        else emptied.push([holdId(window), scope]);
      }
      if (written.length > 0) writeHolds.run(JSON.stringify(written));
      if (emptied.length > 0) deleteHolds.run(JSON.stringify(emptied));
    }
    const settled = [...uses.values()].filter((use) => use.settled);
    if (settled.length > 0)
      addUsage.run(JSON.stringify(settled.map((u) => [u.window, u.scope, u.tokens, u.usd])));
    return {
      overBudget,
      committed() {
        for (const [id, h] of changes) {
          if (h) held.set(id, h);
          else held.delete(id);
        }
      },
    };
  };
}
