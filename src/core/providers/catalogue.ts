/** Dollars per million tokens. Cache rates are optional: unset ones are derived as the API bills them. */
export interface ModelPrice {
  input: number;
  output: number;
  /** 5-minute cache write; Anthropic bills 1.25 x input. */
  cache_write_5m?: number;
  /** 1-hour cache write; Anthropic bills 2 x input. */
  cache_write_1h?: number;
  /** Cache read; Anthropic bills 0.1 x input. OpenAI's cached-input rate goes here. */
  cache_read?: number;
}

/** One model a provider lists, with the figures CLP prices and plans by. */
export interface CatalogueEntry {
  /** The API id (`claude-opus-5-5`, `gpt-5.5`); dated snapshots and `[1m]`/`-thinking` variants resolve to it. */
  id: string;
  /** Other names for the same model (a dated id, the short alias). */
  aliases?: readonly string[];
  /** The line it belongs to (`claude-opus`, `gpt-5`): an unseen minor version of it is priced as its newest entry, marked estimated. */
  family: string;
  price: ModelPrice;
  /** Long-context pricing: a request whose prompt (input + cache) is above `above` tokens is billed at `price` whole. */
  longContext?: { above: number; price: ModelPrice };
  /** Tokens. */
  window: number;
  maxOutput: number;
  /** When the figures were checked, and where. */
  checked: string;
  source: string;
}

/** The entry maker of one catalogue: its check date and usual source, given once. */
export function entryMaker(checked: string, source: string) {
  return (id: string, family: string, price: ModelPrice, window: number, maxOutput: number, more: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
    id,
    family,
    price,
    window,
    maxOutput,
    checked,
    source,
    ...more,
  });
}

/** How a model was found in a catalogue: by its own entry, or by its family (an estimate). */
export interface CatalogueHit {
  entry: CatalogueEntry;
  estimated: boolean;
}

/**
 * The name a model is listed under: without a provider prefix (`anthropic/`), a `[1m]` or
 * `-thinking` variant, or a date (`-20251001`, `-2026-04-01`). Pure.
 */
export function baseModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^(anthropic|openai|google|models)\//, '')
    .replace(/\[1m\]$/, '')
    .replace(/-thinking$/, '')
    .replace(/-(\d{8}|\d{4}-\d{2}-\d{2})(-v\d+)?$/, '');
}

const SEPARATOR = /[-._:]/;
/** `model` is `prefix` or continues it after a separator. */
const startsAt = (model: string, prefix: string) => model.startsWith(prefix) && (model.length === prefix.length || SEPARATOR.test(model[prefix.length]!));

const familyPatterns = new Map<string, RegExp>();
/**
 * Whether `model` is of `family`. A family with `*` stands for ids that carry their version in the
 * middle (`gemini-*-flash`: `gemini-3.8-flash`, `gemini-4-flash-preview`, never
 * `gemini-3.5-flash-lite`); any other family is a prefix (`claude-opus`).
 */
function inFamily(model: string, family: string): boolean {
  if (!family.includes('*')) return startsAt(model, family);
  let re = familyPatterns.get(family);
  if (!re) {
    const [head, tail] = family.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    re = new RegExp(`^${head}\\d+(?:\\.\\d+)?${tail ?? ''}(?:-(?:preview|latest|exp)(?:-[\\d-]+)?)?$`);
    familyPatterns.set(family, re);
  }
  return re.test(model);
}

/**
 * A model's entry: its own id or alias; else the longest entry id it extends (`gpt-5.5-codex` →
 * `gpt-5.5`), estimated; else the newest entry of its family (`claude-opus-5-7` → the first
 * `claude-opus` listed), estimated; else null (unknown, never guessed). Catalogues list the newest
 * first. Pure.
 */
export function findModel(catalogue: readonly CatalogueEntry[], model: string | null): CatalogueHit | null {
  if (!model) return null;
  const id = baseModelId(model);
  for (const e of catalogue) if (e.id === id || e.aliases?.includes(id)) return { entry: e, estimated: false };
  // A variant (`-codex`, `-fast`), not a version (`-7`, `.6`): a version is its family's newest.
  // An id of another line (`gemini-3.5-flash-lite` is no variant of `gemini-3.5-flash`) is not one.
  const otherLine = (e: CatalogueEntry) => catalogue.some((f) => f.family !== e.family && f.family.includes('*') && inFamily(id, f.family));
  let longest: CatalogueEntry | null = null;
  for (const e of catalogue)
    if (/^-[a-z]/.test(id.slice(e.id.length)) && id.startsWith(e.id) && (!longest || e.id.length > longest.id.length) && !otherLine(e)) longest = e;
  if (longest) return { entry: longest, estimated: true };
  const family = catalogue.find((e) => inFamily(id, e.family));
  return family ? { entry: family, estimated: true } : null;
}

/** The price a request pays: the long-context rate when its prompt is over the line. Pure. */
export function priceFor(entry: CatalogueEntry, promptTokens: number): ModelPrice {
  return entry.longContext && promptTokens > entry.longContext.above ? entry.longContext.price : entry.price;
}
