/**
 * Token usage in the original tool's six metrics, normalised across APIs so the numbers add up the
 * same way for both services:
 * - `input` never includes cache reads or writes (Anthropic's `input_tokens` already excludes them;
 *   OpenAI's `input_tokens` includes `cached_tokens`, which are moved to `cached_read`);
 * - `output` includes `reasoning` (both APIs count thinking as output);
 * - `total` = input + cached_create + cached_read + output: every token the model processed.
 * `cache_5m` / `cache_1h` split `cached_create` by TTL when the response says so (1-hour writes cost
 * more); they are null when it does not.
 */
export interface Usage {
  input: number;
  cached_create: number;
  cached_read: number;
  output: number;
  reasoning: number;
  total: number;
  cache_5m: number | null;
  cache_1h: number | null;
}

export const USAGE_METRICS = ['input', 'cached_create', 'cached_read', 'output', 'reasoning', 'total'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** Totals over many requests: the shape of every row of `clp usage --json`. */
export interface UsageTotals extends Record<UsageMetric, number> {
  requests: number;
  /** Dollars for the requests whose model has a price; `unpriced` counts those without. */
  cost_usd: number;
  unpriced: number;
  /** Of the priced requests, those priced by their model's family (no exact entry): their cost is an estimate. */
  estimated: number;
  errors: number;
}

/** The metrics with the words every view uses for them (CLI tables, dashboard headers, CSV). */
export const USAGE_LABELS = [
  ['input', 'input'],
  ['cached_create', 'cache write'],
  ['cached_read', 'cache read'],
  ['output', 'output'],
  ['reasoning', 'reasoning'],
  ['total', 'total'],
] as const satisfies ReadonlyArray<readonly [UsageMetric, string]>;

/** Cache reads over all input (cache hit rate), 0 to 1; null with no input. */
export function cacheHitShare(t: Pick<Usage, 'input' | 'cached_read' | 'cached_create'>): number | null {
  const input = t.input + t.cached_read + t.cached_create;
  return input ? t.cached_read / input : null;
}

export function emptyTotals(): UsageTotals {
  return { requests: 0, input: 0, cached_create: 0, cached_read: 0, output: 0, reasoning: 0, total: 0, cost_usd: 0, unpriced: 0, estimated: 0, errors: 0 };
}
