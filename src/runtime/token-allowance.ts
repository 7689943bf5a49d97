/**
 * What a model call may use of the budgets: the tokens reserved for it, grown one step at a
 * time as it goes. A transport that runs several model turns (the tool loop, a Claude Code
 * session) asks `cover` before each turn; the reservation grows to what the call has used plus
 * what the next turn needs, atomically against every budget the call counts in, or the answer
 * is no and the call stops there. So a call that uses far more than was estimated cannot take
 * a budget past its limit.
 */
export interface TokenAllowance {
  /** Counts what a turn used. */
  spend(tokens: number): void;
  /** Tokens used so far. */
  readonly spent: number;
  /**
   * Makes sure the reservation holds what was spent plus `next` more: true when it does (grown
   * if need be), false when a budget has no room (and nothing more is reserved).
   */
  cover(next: number): Promise<boolean>;
  /** Why the last `cover` was refused, for the call's error. */
  readonly refusal: string | null;
}

/**
 * An allowance starting at `reserved` tokens, grown through `reserveMore` (which reserves that
 * many more tokens and says why not, or null when done).
 *
 * @example
 * const allowance = tokenAllowance(20_000, (tokens) => ledger.reserveMore(call, tokens));
 * if (!(await allowance.cover(nextTurnTokens))) throw new Error(allowance.refusal ?? 'over budget');
 */
export function tokenAllowance(
  reserved: number,
  reserveMore: (tokens: number) => Promise<string | null>,
): TokenAllowance {
  let held = reserved;
  let spent = 0;
  let refusal: string | null = null;
  return {
    spend(tokens) {
      spent += tokens;
    },
    get spent() {
      return spent;
    },
    get refusal() {
      return refusal;
    },
    async cover(next) {
      const short = spent + next - held;
      if (short <= 0) return true;
      refusal = await reserveMore(short);
      if (refusal !== null) return false;
      held += short;
      return true;
    },
  };
}
