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

/** `1234567` as `1,234,567` (digits only). */
function grouped(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) out += (i && (digits.length - i) % 3 === 0 ? ',' : '') + digits[i];
  return out;
}

/** `1.5e-7` as `0.00000015`, `1e+21` as `1000000000000000000000`: the shortest form without an exponent. */
function plain(text: string): string {
  const e = text.indexOf('e');
  if (e < 0) return text;
  const [int = '', frac = ''] = text.slice(0, e).split('.');
  const exp = Number(text.slice(e + 1));
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  return point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A non-negative number with exactly `decimals` digits after the point, rounded half away from zero
 * on its shortest decimal form, as `Intl.NumberFormat('en-US')` does (1.005 is `1.01`, where
 * `toFixed` says `1.00`), with thousands separators. Written out because the first `Intl` call
 * loads ICU's data, ~20 ms of every `clp` command that prints a figure.
 */
function fixed(abs: number, decimals: number): string {
  const [whole = '0', frac = ''] = plain(String(abs)).split('.');
  let digits = whole + (frac + '0'.repeat(decimals)).slice(0, decimals);
  if ((frac[decimals] ?? '0') >= '5') {
    const up = digits.split('');
    let i = up.length - 1;
    while (i >= 0 && up[i] === '9') up[i--] = '0';
    if (i < 0) up.unshift('1');
    else up[i] = String(Number(up[i]) + 1);
    digits = up.join('');
  }
  const intPart = digits.slice(0, digits.length - decimals) || '0';
  return decimals ? `${grouped(intPart)}.${digits.slice(digits.length - decimals)}` : grouped(intPart);
}

/**
 * Dollars as every view shows them (dashboard, CLI, status bar, tree): at least three significant
 * digits and at least cents, so rounding never moves a figure by more than 0.5% ($0.01521 is
 * `$0.0152`, $0.001014 is `$0.00101`, $1234.5 is `$1,234.50`). Null is `unknown`: a request whose
 * model has no price, never shown as $0.
 */
export function money(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return 'unknown';
  const abs = Math.abs(usd);
  const decimals = abs >= 1 || abs === 0 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(abs)));
  return `${usd < 0 ? '-' : ''}$${fixed(abs, decimals)}`;
}

/** What `costText` and `costParts` read: a sum, how many had no price, and how many were estimates. */
export interface CostSum {
  cost_usd: number;
  unpriced: number;
  /** Requests priced by their model's family, not an exact entry (absent: none). */
  estimated?: number;
}

/**
 * The cost of many requests: dollars when every one has an exact price; `~$X` when some were priced
 * by their model's family (an estimate); `at least $X (N without a price)` when some have none;
 * `unknown (N without a price)` when none has.
 */
export function costText(t: CostSum): string {
  const p = costParts(t);
  return p.note ? `${p.amount} (${p.note})` : p.amount;
}

/** `costText` in two parts, for a tile or a narrow cell: `at least ~$1.53` and `1 request without a price, 2 estimated`. */
export function costParts(t: CostSum): { amount: string; note: string | null } {
  const estimated = t.estimated ?? 0;
  const m = `${estimated ? '~' : ''}${money(t.cost_usd)}`;
  const notes: string[] = [];
  if (t.unpriced) notes.push(`${t.unpriced} ${t.unpriced === 1 ? 'request' : 'requests'} without a price`);
  if (estimated) notes.push(`${estimated} estimated`);
  const note = notes.length ? notes.join(', ') : null;
  if (!t.unpriced) return { amount: m, note };
  return { amount: t.cost_usd === 0 ? 'unknown' : `at least ${m}`, note };
}

/** A count with thousands separators: `12,345` (the detail views; lists use `compactNumber`). */
export function count(n: number): string {
  const r = Math.round(n);
  return `${r < 0 ? '-' : ''}${fixed(Math.abs(r), 0)}`;
}

/**
 * One request's cost: `~$0.12` when its model was priced by its family (an estimate), `unknown`
 * without a price, `none` for a request that reported no usage.
 */
export function requestCost(r: { usage: unknown; cost_usd: number | null; cost_estimated?: true }, none = '–'): string {
  if (!r.usage) return none;
  const m = money(r.cost_usd);
  return r.cost_estimated && r.cost_usd !== null ? `~${m}` : m;
}
