/** Rows as aligned columns under a header; `right` columns (numbers) are right-aligned. Plain text. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, right: ReadonlySet<number> = new Set()): string[] {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A local date and time as the CLI prints them: `2026-12-02 14:05:31`. Built from the date's parts:
 * `toLocaleDateString` loads ICU's locale data on its first call, ~25 ms of a command's start.
 */
export function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock(ms)}`;
}

/** A local time of day: `14:05:31`. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Whether to colour: only on a terminal, never with NO_COLOR set (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function paint(on: boolean, code: 'red' | 'green' | 'yellow' | 'dim', text: string): string {
  if (!on) return text;
  const c = { red: 31, green: 32, yellow: 33, dim: 2 }[code];
  return `\u001b[${c}m${text}\u001b[0m`;
}
