import type { Price, PriceTable } from './prices.ts';

/** The providers whose models CLP prices (the rest of a community file is left out). */
const PROVIDERS = new Set(['anthropic', 'openai']);

type Obj = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const perMillion = (v: unknown): number | undefined => {
  const n = num(v);
  return n === undefined ? undefined : Math.round(n * 1e6 * 1e6) / 1e6;
};

function price(input: number | undefined, output: number | undefined, more: Partial<Price>, source: string): Price | null {
  if (input === undefined || output === undefined) return null;
  const p: Price = { input, output, source };
  for (const [k, v] of Object.entries(more)) if (v !== undefined) (p as Record<string, unknown>)[k] = v;
  return p;
}

/**
 * LiteLLM's `model_prices_and_context_window.json`: per-token costs keyed by model, with
 * `litellm_provider`. Only Anthropic's and OpenAI's chat models are taken; `anthropic/` prefixes go.
 */
export function fromLiteLlm(json: Obj): PriceTable {
  const out: PriceTable = {};
  for (const [key, raw] of Object.entries(json)) {
    const m = raw as Obj;
    if (!m || typeof m !== 'object' || !PROVIDERS.has(String(m.litellm_provider)) || (m.mode !== undefined && m.mode !== 'chat' && m.mode !== 'responses'))
      continue;
    const p = price(
      perMillion(m.input_cost_per_token),
      perMillion(m.output_cost_per_token),
      {
        cache_write_5m: perMillion(m.cache_creation_input_token_cost),
        cache_write_1h: perMillion(m.cache_creation_input_token_cost_above_1hr),
        cache_read: perMillion(m.cache_read_input_token_cost),
        window: num(m.max_input_tokens),
      },
      'LiteLLM',
    );
    if (p) out[key.replace(/^(anthropic|openai)\//, '')] = p;
  }
  return out;
}

/** models.dev's `api.json`: providers, each with `models` whose `cost` is per million tokens. */
export function fromModelsDev(json: Obj): PriceTable {
  const out: PriceTable = {};
  for (const provider of PROVIDERS) {
    const models = ((json[provider] as Obj | undefined)?.models ?? {}) as Record<string, Obj>;
    for (const [key, m] of Object.entries(models)) {
      const cost = (m?.cost ?? {}) as Obj;
      const limit = (m?.limit ?? {}) as Obj;
      const p = price(
        num(cost.input),
        num(cost.output),
        { cache_write_5m: num(cost.cache_write), cache_read: num(cost.cache_read), window: num(limit.context) },
        'models.dev',
      );
      if (p) out[String(m?.id ?? key)] = p;
    }
  }
  return out;
}

/** Which of the two formats a parsed file is, or null. Pure. */
export function importPriceFile(json: unknown): { format: 'LiteLLM' | 'models.dev'; table: PriceTable } | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Obj;
  const values = Object.values(o) as Obj[];
  if (values.some((v) => v && typeof v === 'object' && 'litellm_provider' in v)) return { format: 'LiteLLM', table: fromLiteLlm(o) };
  if (values.some((v) => v && typeof v === 'object' && 'models' in v)) return { format: 'models.dev', table: fromModelsDev(o) };
  return null;
}
