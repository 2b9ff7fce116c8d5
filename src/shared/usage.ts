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
  errors: number;
}

export function emptyTotals(): UsageTotals {
  return { requests: 0, input: 0, cached_create: 0, cached_read: 0, output: 0, reasoning: 0, total: 0, cost_usd: 0, unpriced: 0, errors: 0 };
}
