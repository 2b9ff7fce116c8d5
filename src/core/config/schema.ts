import * as z from 'zod';
import { formatIssue, parseJsonText } from './issues.ts';

/** `https://user:pass@relay/…`: a credential CLP would otherwise drop without a word. */
function hasUserinfo(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The original tool wrote `weight` as a float (`10.0`) and read anything non-numeric as 0. Numbers and
 * numeric strings are accepted; garbage is reported instead of silently becoming 0.
 */
const weightSchema = z.union(
  [
    z.number(),
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?\s*$/, 'expected a number')
      .transform(Number),
    z.null().transform(() => 0),
  ],
  { error: 'expected a number' },
);

/**
 * One upstream entry of `claude.json` / `codex.json`, in the original tool's format. Unknown fields are
 * allowed (`looseObject`) and are kept on every write, because the raw JSON is what gets rewritten.
 * Unlike the original, an entry with only `api_key` (no `auth_token` key) is accepted.
 */
export const configEntrySchema = z.looseObject({
  base_url: z
    .string()
    .refine(isHttpUrl, 'must be an http:// or https:// URL')
    .refine((v) => !hasUserinfo(v), 'must not carry user:password@ (CLP does not send it); put the key in auth_token or api_key'),
  auth_token: z.string().optional(),
  api_key: z.string().optional(),
  weight: weightSchema.optional(),
  active: z.boolean().optional(),
  /** What this relay bills as a multiple of list price (Chinese relays often bill 0.3 x or 1.5 x); CLP's own field. */
  price_multiplier: z.number({ error: 'expected a number' }).positive('must be above 0').optional(),
  /** The config passes Anthropic's API through unchanged, tool search included (`defer_loading`); CLP's own field. */
  tool_search: z.boolean({ error: 'expected true or false' }).optional(),
  /** The context window of the models behind this config, in tokens, when it is not the catalogue's (a relay's own models); CLP's own field. */
  context_window: z.number({ error: 'expected a number of tokens' }).int().positive().optional(),
  /** The models this config serves, as Claude Code's `/model` lists them (CLP's own field). */
  models: z.array(z.string().min(1, 'model names must not be empty'), { error: 'expected a list of model names' }).optional(),
});

export const configFileSchema = z.record(z.string().min(1, 'config names must not be empty'), configEntrySchema);

export type RawConfigFile = Record<string, Record<string, unknown>>;

/** The typed view of one entry that the proxy uses. Never logged or sent to a UI whole: it holds keys. */
export interface UpstreamConfig {
  name: string;
  baseUrl: string;
  authToken: string;
  apiKey: string;
  weight: number;
  active: boolean;
  /** The models it lists in a client's model picker; empty: the provider's defaults. */
  models: string[];
  /** Its costs are list price times this. */
  priceMultiplier: number;
  /** It serves Anthropic's tool search; without it CLP takes tool search out of requests. */
  toolSearch: boolean;
  /** The window of its models when the config says (a relay's own models); null: the catalogue's. */
  contextWindow: number | null;
}

export type ParsedConfigFile = { ok: true; entries: UpstreamConfig[]; raw: RawConfigFile } | { ok: false; error: string };

/** Parses a config file's text; `label` (the file name) prefixes any error as `label: path: message`. */
export function parseConfigText(label: string, text: string): ParsedConfigFile {
  if (text.trim() === '') return { ok: true, entries: [], raw: {} };
  const json = parseJsonText(label, text);
  if (!json.ok) return json;
  return parseConfigValue(label, json.value);
}

export function parseConfigValue(label: string, value: unknown): ParsedConfigFile {
  const result = configFileSchema.safeParse(value);
  if (!result.success) return { ok: false, error: formatIssue(label, result.error) };
  const entries = Object.entries(result.data).map(([name, e]) => ({
    name,
    baseUrl: e.base_url,
    authToken: e.auth_token ?? '',
    apiKey: e.api_key ?? '',
    weight: Number.isFinite(e.weight) ? (e.weight as number) : 0,
    active: e.active === true,
    models: e.models ?? [],
    priceMultiplier: e.price_multiplier ?? 1,
    toolSearch: e.tool_search === true,
    contextWindow: e.context_window ?? null,
  }));
  return { ok: true, entries, raw: value as RawConfigFile };
}
