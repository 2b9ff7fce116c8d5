import { type CostSum, costParts, costText } from '../shared/format.ts';

/** Rows as aligned columns under a header; `right` columns (numbers) are right-aligned. Plain text. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, right: ReadonlySet<number> = new Set()): string[] {
  const all = [head, ...rows];
  // Each cell's width, counted once: the columns' widths and the padding both use it.
  const cells = all.map((r) => r.map(displayWidth));
  const widths = head.map((_, i) => Math.max(...cells.map((w) => w[i] ?? 0)));
  return all.map((r, row) =>
    r
      .map((c, i) => {
        const gap = ' '.repeat(Math.max(0, widths[i]! - cells[row]![i]!));
        return right.has(i) ? gap + c : i === r.length - 1 ? c : c + gap;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A cell, or a cell with a shorter form for a narrow terminal (`[full, short]`). */
export type Cell = string | readonly [full: string, short: string];

/**
 * The table, no wider than `width` terminal columns if it can be: each step, in order, until it
 * fits, either leaves out the column it names or (`~name`) shows that column's short forms.
 * `width` undefined (output piped to a file or a program) keeps every column in full. What cannot
 * fit after every step is printed anyway, never cut. Says which columns it left out, and draws
 * other rows with the same choices.
 */
export function fitTable(
  head: readonly string[],
  rows: ReadonlyArray<readonly Cell[]>,
  right: ReadonlySet<number>,
  width: number | undefined,
  steps: readonly string[],
  indent = 0,
): { lines: string[]; dropped: string[]; draw(rows: ReadonlyArray<readonly Cell[]>): string[] } {
  let keep = head.map((_, i) => i);
  const short = new Set<number>();
  const dropped: string[] = [];
  const text = (c: Cell | undefined, i: number) => (c === undefined ? '' : typeof c === 'string' ? c : short.has(i) ? c[1] : c[0]);
  const draw = (these = rows) =>
    table(
      keep.map((i) => head[i]!),
      these.map((r) => keep.map((i) => text(r[i], i))),
      new Set(keep.flatMap((i, at) => (right.has(i) ? [at] : []))),
    );
  let lines = draw();
  for (const step of steps) {
    if (width === undefined || Math.max(...lines.map(displayWidth)) + indent <= width) break;
    const shorten = step.startsWith('~');
    const at = head.indexOf(shorten ? step.slice(1) : step);
    if (at < 0 || !keep.includes(at) || (shorten && short.has(at))) continue;
    if (shorten) short.add(at);
    else {
      keep = keep.filter((i) => i !== at);
      dropped.push(step);
    }
    lines = draw();
  }
  // Other rows (another service's table) drawn with the same columns and forms.
  return { lines, dropped, draw };
}

/** A line under a fitted table naming what it left out, or nothing when it left nothing out. */
export function droppedNote(dropped: readonly string[], width: number | undefined): string[] {
  if (!dropped.length) return [];
  return [`(hidden at ${width} columns: ${dropped.join(', ')}; see --json)`];
}

/** How wide the terminal is, when the output goes to one (a pipe or a file gets every column). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
}

/** Printable ASCII: a column a character, the common case, decided without looking further. */
const PLAIN = /^[\x20-\x7e]*$/;
/** Drawn two columns wide by terminals: East Asian wide and fullwidth characters, and emoji shown as emoji. */
const WIDE =
  /[\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
/** The terminal's colour escapes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched
const SGR = /\u001b\[[0-9;]*m/g;
/** Drawn over the character before: combining marks (variation selectors among them), zero-width spaces and joiners, skin tones, tags. */
const ZERO = /[\p{Mn}\p{Me}\p{Cc}\u200b-\u200f\u2060\u{e0000}-\u{e007f}]|\p{Emoji_Modifier}/u;

/**
 * The columns a terminal gives `text`: a config named `中转站` takes six, not three, so the columns
 * after it stay aligned. A joined emoji sequence (👨‍👩‍👧) is one emoji, a flag is one pair of regional
 * indicators, and VS16 (U+FE0F) draws the character before it as an emoji (two columns).
 */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  // A colour (an SGR escape, as `paint` writes) takes no column.
  if (text.includes('\u001b')) text = text.replace(SGR, '');
  let width = 0;
  let last = 0;
  let joined = false;
  let regional = false;
  for (const ch of text) {
    if (ch === '\u200d') {
      joined = true;
      continue;
    }
    if (joined) {
      joined = false;
      continue;
    }
    if (ch === '\ufe0f') {
      if (last === 1) width += 1;
      last = 2;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x1f1e6 && cp <= 0x1f1ff) {
      regional = !regional;
      last = regional ? 2 : 0;
      width += last;
      continue;
    }
    regional = false;
    last = ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
    width += last;
  }
  return width;
}

/** `text` and spaces to `width` columns (as `padEnd`, counting columns rather than UTF-16 units). */
export function padEndTo(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
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

/** A time as a table cell: `2026-12-02 14:05:31`, short `12-02 14:05` (no year, no seconds) for a narrow terminal. */
export function stampCell(ms: number): Cell {
  const full = stamp(ms);
  return [full, full.slice(5, 16)];
}

/** A cost as a table cell: with what it leaves out (`at least $1.62 (1 request without a price)`), short the amount alone. */
export function costCell(t: CostSum): Cell {
  return [costText(t), costParts(t).amount];
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
