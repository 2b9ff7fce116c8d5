import { html } from 'lit';
import { type CostSum, compactNumber, costParts, prettyJson as prettyJsonText } from '../src/shared/format.ts';

export { type CostSum, costParts, costText, count, money, requestCost } from '../src/shared/format.ts';
import type { Usage } from '../src/shared/usage.ts';

/** Token counts at a glance (the one format of every view). */
export const compact = compactNumber;

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

/**
 * What `toLocaleTimeString()` shows, from one formatter: that call builds a new formatter each time,
 * which made 500 rows of the Requests page cost some 300 ms to paint.
 */
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric' });

/** A long id (a session's UUID) as its head and tail: `5d6f1c1e…9a0b`; the whole id goes in a title. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

export function time(epochMs: number): string {
  return clock.format(epochMs);
}

export function tokens(u: Usage | null): string {
  if (!u) return '–';
  return `${compactNumber(u.input + u.cached_read + u.cached_create)} in / ${compactNumber(u.output)} out`;
}

export function percent(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : '0%';
}

export function prettyJson(text: string | null): string {
  return text ? prettyJsonText(text) : '';
}

/** A cost in a tile or a narrow cell: the amount, and what it leaves out on a line of its own. */
export function costCell(t: CostSum) {
  const p = costParts(t);
  return p.note ? html`${p.amount}<span class="cost-note">${p.note}</span>` : p.amount;
}
