/** Time formatting shared by the wizard and the commands. Pure: `now` is always passed in. */

/** `42m 10s`, `1h 05m`, `9s`, `2d 3h` — the remaining time until `target`, or `expired`. */
export function formatRemaining(
  targetMs: number,
  nowMs: number,
  /** `minutes`: `42m` rather than `42m 10s` (under a minute it still counts seconds). */
  precision: 'seconds' | 'minutes' = 'seconds',
): string {
  const total = Math.floor((targetMs - nowMs) / 1000);
  if (total <= 0) return 'expired';
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return precision === 'minutes' ? `${m}m` : `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** `in 42m` / `3m ago`, for absolute times read by people. */
export function relative(targetMs: number, nowMs: number): string {
  const diff = targetMs - nowMs;
  const text = formatRemaining(Math.abs(diff) + nowMs, nowMs);
  if (text === 'expired') return 'now';
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** How urgent a countdown is: drives its colour. */
export function urgency(
  targetMs: number,
  nowMs: number,
  lifetimeMs?: number,
): 'ok' | 'soon' | 'critical' | 'expired' {
  const left = targetMs - nowMs;
  if (left <= 0) return 'expired';
  const soon = lifetimeMs ? Math.min(5 * 60_000, lifetimeMs * 0.25) : 5 * 60_000;
  const critical = lifetimeMs ? Math.min(60_000, lifetimeMs * 0.1) : 60_000;
  if (left <= critical) return 'critical';
  if (left <= soon) return 'soon';
  return 'ok';
}

/** Local wall-clock time, e.g. `14:05:09`, with the date when it is not today. */
export function localTime(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const today = new Date(nowMs).toDateString() === d.toDateString();
  const time = d.toLocaleTimeString('en-GB', {hour12: false});
  return today ? time : `${d.toISOString().slice(0, 10)} ${time}`;
}

/** `1m 05s` for an elapsed time in milliseconds. */
export function formatElapsed(ms: number): string {
  return formatRemaining(ms, 0).replace('expired', '0s');
}
