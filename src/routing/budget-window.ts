const dayMs = 86_400_000;

/** Minutes east of UTC for an offset such as `+02:00` or `-05:30`. */
function offsetMinutes(offset: string): number {
  const [hours = '0', minutes = '0'] = offset.slice(1).split(':');
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(hours) * 60 + Number(minutes));
}

/**
 * The budget window (a day) that a moment falls in, named by its date at the configured offset
 * from UTC: budgets reset when that day starts.
 *
 * @example
 * budgetWindow(Date.parse('2026-11-24T23:30:00Z'), '+02:00'); // '2026-11-25'
 */
export function budgetWindow(now: number, offset = '+00:00'): string {
  return new Date(now + offsetMinutes(offset) * 60_000).toISOString().slice(0, 10);
}

/**
 * When the next budget window starts, in ms since the epoch.
 *
 * @example
 * new Date(nextBudgetWindow(Date.parse('2026-11-24T10:00:00Z'))).toISOString(); // '2026-11-25T00:00:00.000Z'
 */
export function nextBudgetWindow(now: number, offset = '+00:00'): number {
  const shift = offsetMinutes(offset) * 60_000;
  return (Math.floor((now + shift) / dayMs) + 1) * dayMs - shift;
}
