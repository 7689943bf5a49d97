import type Database from 'better-sqlite3';
import type { BudgetRefusal, BudgetReservation, BudgetSettlement } from './budget-records.js';

/** A reservation's row for one scope, as a `DELETE … RETURNING` gives it back. */
interface ReservationRow {
  scope: string;
  window: string;
  tokens: number;
  usd: number;
}

/** A scope's use as the batch sees it: what is stored, and what the batch adds to it. */
interface ScopeUse {
  window: string;
  scope: string;
  stored: { tokens: number; usd: number; reserved_tokens: number; reserved_usd: number } | null;
  /** Whether the batch changes it (a scope only read for a refusal is not written). */
  changed: boolean;
  tokens: number;
  usd: number;
  reservedTokens: number;
  reservedUsd: number;
}

/** What one batch does to the budgets: settlements, then reservations in order. */
export interface BudgetWork {
  settlements?: readonly BudgetSettlement[] | undefined;
  reservations?: readonly BudgetReservation[] | undefined;
}

/**
 * The budget part of a SQLite group commit, run inside the batch's transaction. The batch's
 * changes to each scope's use are added up in memory and written at the end in one statement
 * (a scope read once per batch), its reservation rows are written in one and the rows it
 * replaces deleted in one, whatever the number of calls in the batch: a few statements per
 * batch where there were about thirteen per call.
 *
 * The order is the store contract's: every reservation that a settlement or a new
 * reservation of the batch replaces stops counting first (as PostgreSQL's
 * `cto_commit_budget` does), the settlements' use is added, then each reservation is checked
 * against every limit it counts in, counting what the batch has reserved before it; one that
 * would exceed a limit drops the expired reservations of its scopes and checks once more,
 * and is refused alone if still over.
 *
 * @example
 * const commitBudget = sqliteBudgetCommit(db);
 * const overBudget = db.transaction(() => commitBudget(batch))(); // [{ id: 'r2', refusal }]
 */
export function sqliteBudgetCommit(
  db: Database.Database,
): (work: BudgetWork) => { id: string; refusal: BudgetRefusal }[] {
  const deleteByIds = db.prepare(
    `DELETE FROM budget_reservations WHERE id IN (SELECT value FROM json_each(?))
     RETURNING scope, window, tokens, usd`,
  );
  const deleteExpired = db.prepare(
    `DELETE FROM budget_reservations
     WHERE expires_at <= ? AND window = ? AND scope IN (SELECT value FROM json_each(?))
     RETURNING scope, window, tokens, usd`,
  );
  const selectScope = db.prepare(
    'SELECT tokens, usd, reserved_tokens, reserved_usd FROM budget_usage WHERE window = ? AND scope = ?',
  );
  const insertReservations = db.prepare(
    `INSERT INTO budget_reservations (id, scope, window, tokens, usd, at, expires_at)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
     FROM json_each(?)`,
  );
  // `WHERE true`: an upsert whose rows come from a SELECT needs a WHERE (SQLite's grammar).
  const addUsage = db.prepare(
    `INSERT INTO budget_usage (window, scope, tokens, usd, reserved_tokens, reserved_usd)
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
     FROM json_each(?) WHERE true
     ON CONFLICT (window, scope) DO UPDATE SET tokens = tokens + excluded.tokens,
       usd = usd + excluded.usd, reserved_tokens = reserved_tokens + excluded.reserved_tokens,
       reserved_usd = reserved_usd + excluded.reserved_usd`,
  );

  return function commitBudget(work) {
    const settlements = work.settlements ?? [];
    const reservations = work.reservations ?? [];
    if (settlements.length === 0 && reservations.length === 0) return [];
    const uses = new Map<string, ScopeUse>();
    const useOf = (window: string, scope: string): ScopeUse => {
      const key = `${window}\u0000${scope}`;
      let use = uses.get(key);
      if (!use) {
        use = {
          window,
          scope,
          stored: null,
          changed: false,
          tokens: 0,
          usd: 0,
          reservedTokens: 0,
          reservedUsd: 0,
        };
        uses.set(key, use);
      }
      return use;
    };
    /** Adds reservation rows to their scopes' reserved sums (`sign` 1), or takes them off (-1). */
    const count = (rows: readonly ReservationRow[], sign: 1 | -1) => {
      for (const row of rows) {
        const use = useOf(row.window, row.scope);
        use.changed = true;
        use.reservedTokens += sign * row.tokens;
        use.reservedUsd += sign * row.usd;
      }
    };

    const replaced = [...settlements.map((s) => s.reservationId), ...reservations.map((r) => r.id)];
    count(deleteByIds.all(JSON.stringify(replaced)) as ReservationRow[], -1);
    for (const settlement of settlements) {
      for (const scope of settlement.scopes) {
        const use = useOf(settlement.window, scope);
        use.changed = true;
        use.tokens += settlement.tokens;
        use.usd += settlement.usd;
      }
    }

    /** The first limit `reservation` would take past, counting what the batch holds so far. */
    const overLimit = (reservation: BudgetReservation): BudgetRefusal | null => {
      for (const limit of reservation.limits) {
        if (limit.tokens === null && limit.usd === null) continue;
        const use = useOf(reservation.window, limit.scope);
        use.stored ??= (selectScope.get(reservation.window, limit.scope) as ScopeUse['stored']) ?? {
          tokens: 0,
          usd: 0,
          reserved_tokens: 0,
          reserved_usd: 0,
        };
        const committed = {
          tokens: use.stored.tokens + use.stored.reserved_tokens + use.tokens + use.reservedTokens,
          usd: use.stored.usd + use.stored.reserved_usd + use.usd + use.reservedUsd,
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

    const overBudget: { id: string; refusal: BudgetRefusal }[] = [];
    // The reservations the batch makes, by id: a later one with the same id replaces it.
    const made = new Map<string, BudgetReservation>();
    const rowsOf = (reservation: BudgetReservation): ReservationRow[] =>
      reservation.limits.map((limit) => ({
        scope: limit.scope,
        window: reservation.window,
        tokens: reservation.tokens,
        usd: reservation.usd,
      }));
    for (const reservation of reservations) {
      const earlier = made.get(reservation.id);
      if (earlier) {
        made.delete(reservation.id);
        count(rowsOf(earlier), -1);
      }
      if (overLimit(reservation)) {
        const scopes = JSON.stringify(reservation.limits.map((limit) => limit.scope));
        const expired = deleteExpired.all(reservation.at, reservation.window, scopes);
        count(expired as ReservationRow[], -1);
        const refusal = overLimit(reservation);
        if (refusal) {
          overBudget.push({ id: reservation.id, refusal });
          continue;
        }
      }
      made.set(reservation.id, reservation);
      count(rowsOf(reservation), 1);
    }

    if (made.size > 0) {
      const rows = [...made.values()].flatMap((r) =>
        r.limits.map((limit) => [r.id, limit.scope, r.window, r.tokens, r.usd, r.at, r.expiresAt]),
      );
      insertReservations.run(JSON.stringify(rows));
    }
    const changed = [...uses.values()].filter((use) => use.changed);
    if (changed.length > 0) {
      addUsage.run(
        JSON.stringify(
          changed.map((u) => [u.window, u.scope, u.tokens, u.usd, u.reservedTokens, u.reservedUsd]),
        ),
      );
    }
    return overBudget;
  };
}
