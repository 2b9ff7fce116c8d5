/** The local calendar day of an instant, `YYYY-MM-DD`: the unit of the daily totals. */
let dayCache = { from: 0, to: -1, day: '' };

export function localDay(ms: number): string {
  // Every request asks; the answer changes once a day, so the current minute's answer is reused.
  if (ms >= dayCache.from && ms < dayCache.to) return dayCache.day;
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const minute = Math.floor(ms / 60_000) * 60_000;
  const sameMinute = new Date(minute).getDate() === new Date(minute + 59_999).getDate();
  dayCache = sameMinute ? { from: minute, to: minute + 60_000, day } : { from: 0, to: -1, day };
  return day;
}

/** Local midnight of the day holding `ms`, epoch ms. */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
