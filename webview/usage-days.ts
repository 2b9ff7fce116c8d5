/** Pure helpers of the Usage page, apart so they can be tested without a browser. */

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a local day. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The days a window spans, oldest first, ending today: exactly `n` of them for `7d` / `30d` / `90d`,
 * and from the oldest day with data for `all` (today alone when there is none).
 */
export function windowDays(since: string, now: number, daysWithData: readonly string[]): string[] {
  const m = /^(\d+)d$/.exec(since);
  const today = new Date(now);
  today.setHours(12, 0, 0, 0);
  let n: number;
  if (m) n = Number(m[1]);
  else {
    const oldest = [...daysWithData].sort()[0];
    n = oldest ? Math.round((today.getTime() - new Date(`${oldest}T12:00:00`).getTime()) / DAY_MS) + 1 : 1;
  }
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(dayKey(new Date(today.getTime() - i * DAY_MS)));
  return out;
}

/** Rows as CSV (RFC 4180 quoting), with a header line. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
