/** `$0.0123`: four places, as cost per call is small. */
export const usd = (value: number) => `$${value.toFixed(4)}`;

export const count = (value: number) => value.toLocaleString('en-US');

/** `42 s`, `5 min`, `3 h`, `2 d` ago. */
export function age(since: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - since) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export const percent = (value: number | null) =>
  value === null ? '–' : `${Math.round(value * 100)}%`;

export const time = (at: number) => new Date(at).toLocaleTimeString('en-GB');
