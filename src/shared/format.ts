/**
 * 1234567 -> "1.23M", 12345 -> "12.3k", 999 -> "999": token counts at a glance, the same in the
 * dashboard, the status bar and the CLI (exact figures stay in `--json` and the detail views).
 */
export function compactNumber(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** JSON re-indented for reading; any other text as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A duration as people read it: `30 s`; `600 ms` when short and not whole seconds. */
export function secondsText(ms: number): string {
  return ms % 1000 === 0 || ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`;
}
