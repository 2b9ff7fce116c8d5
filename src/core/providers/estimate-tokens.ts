/**
 * Token estimates for answers CLP makes itself when an upstream does not count (a relay without
 * `count_tokens` or `countTokens`): the prompt's text at 3.5 characters a token, the ratio of the
 * newer tokenizers on English and code, rounded up; a media part counts as a fixed 1,600 tokens
 * (its source's size would mislead). Never 0, which would stop a client's auto-compaction.
 */
const CHARS_PER_TOKEN = 3.5;
const MEDIA_TOKENS = 1600;

export interface EstimateRules {
  /** Keys whose values are not prompt text (`type`, `cache_control`, signatures). */
  skip: ReadonlySet<string>;
  /** Whether an object is a media part (an image, a document, inline data). */
  media(o: Record<string, unknown>): boolean;
}

function textLength(v: unknown, rules: EstimateRules): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + textLength(x, rules), 0);
  if (!v || typeof v !== 'object') return 0;
  const o = v as Record<string, unknown>;
  if (rules.media(o)) return MEDIA_TOKENS * CHARS_PER_TOKEN;
  let n = 0;
  for (const k in o) if (!rules.skip.has(k)) n += textLength(o[k], rules);
  return n;
}

/** The estimated tokens of some prompt parts, at least 1; `json` parts (tool definitions) count as their JSON. Pure. */
export function estimateTokens(parts: readonly unknown[], rules: EstimateRules, json: readonly unknown[] = []): number {
  const chars = parts.reduce<number>((n, p) => n + textLength(p, rules), 0) + json.reduce<number>((n, t) => n + JSON.stringify(t).length, 0);
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}
