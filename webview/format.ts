import type { Usage } from '../src/shared/usage.ts';

/** 1234567 -> "1.23M": token counts at a glance. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function money(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'unknown';
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

export function time(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString();
}

export function tokens(u: Usage | null): string {
  if (!u) return '–';
  return `${compact(u.input + u.cached_read + u.cached_create)} in / ${compact(u.output)} out`;
}

export function percent(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : '0%';
}

export function prettyJson(text: string | null): string {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
