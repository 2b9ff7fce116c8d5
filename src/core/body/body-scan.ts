/** What the proxy needs to know about a request body without building its object graph. */
export interface BodyFacts {
  /** The body is a JSON object (what both APIs send). */
  json: boolean;
  model: string | null;
  stream: boolean | null;
  /** `metadata.user_id` (Claude Code's session carrier). */
  userId: string | null;
  /** `prompt_cache_key` (Codex's conversation id). */
  promptCacheKey: string | null;
  /** Byte offsets of the top-level `model` string value (quotes included), for an in-place rewrite. */
  modelSpan: [number, number] | null;
}

const NOT_JSON: BodyFacts = { json: false, model: null, stream: null, userId: null, promptCacheKey: null, modelSpan: null };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** How far a string is read byte by byte before the rest is searched natively (most keys and values are short). */
const SHORT_STRING = 48;

/** Index just past the closing quote of the string whose opening quote is at `i`, or -1. */
function skipString(buf: Uint8Array, i: number): number {
  // A plain loop finds the end of a short string without a call into C++ (a native indexOf costs
  // more than reading a few dozen bytes); an escape's next byte is skipped whatever it is.
  const stop = Math.min(buf.length, i + 1 + SHORT_STRING);
  let j = i + 1;
  for (; j < stop; j++) {
    const c = buf[j];
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) j++;
  }
  for (;;) {
    const q = buf.indexOf(QUOTE, j);
    if (q < 0) return -1;
    let slashes = 0;
    for (let k = q - 1; k > i && buf[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the value starting at `i` (object, array, string or literal), or -1. */
function skipValue(buf: Uint8Array, i: number): number {
  const c = buf[i];
  if (c === QUOTE) return skipString(buf, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const d = buf[j]!;
      if (d === QUOTE) {
        j = skipString(buf, j);
        if (j < 0) return -1;
        j--;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < buf.length && buf[j] !== 0x2c && buf[j] !== 0x7d && buf[j] !== 0x5d && !isSpace(buf[j]!)) j++;
  return j > i ? j : -1;
}

function skipSpace(buf: Uint8Array, i: number): number {
  while (i < buf.length && isSpace(buf[i]!)) i++;
  return i;
}

const decoder = new TextDecoder();

/** Which of `keys` (as bytes) the bytes between `start` and `end` spell, or -1 (a key with an escape never matches). */
function keyIndex(buf: Uint8Array, start: number, end: number, keys: readonly Uint8Array[]): number {
  const length = end - start;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    if (key.length !== length) continue;
    let i = 0;
    while (i < length && buf[start + i] === key[i]) i++;
    if (i === length) return k;
  }
  return -1;
}

/**
 * Walks the top-level members of a JSON object, jumping over every value with the native `indexOf`,
 * and calls `visit` with the index of each member whose key is one of `keys` and its value's span.
 * False when the bytes are not one JSON object (with nothing but white space after a non-empty
 * one), or when `visit` returned false.
 */
function walkTopLevel(buf: Uint8Array, keys: readonly Uint8Array[], visit: (key: number, start: number, end: number) => boolean): boolean {
  let i = skipSpace(buf, 0);
  if (buf[i] !== 0x7b) return false;
  i = skipSpace(buf, i + 1);
  if (buf[i] === 0x7d) return true;
  for (;;) {
    if (buf[i] !== QUOTE) return false;
    const keyEnd = skipString(buf, i);
    if (keyEnd < 0) return false;
    const key = keyIndex(buf, i + 1, keyEnd - 1, keys);
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== 0x3a) return false;
    i = skipSpace(buf, i + 1);
    const valueEnd = skipValue(buf, i);
    if (valueEnd < 0) return false;
    if (key >= 0 && !visit(key, i, valueEnd)) return false;
    i = skipSpace(buf, valueEnd);
    if (buf[i] === 0x2c) {
      i = skipSpace(buf, i + 1);
      continue;
    }
    return buf[i] === 0x7d && skipSpace(buf, i + 1) === buf.length;
  }
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function isLiteral(buf: Uint8Array, start: number, end: number, literal: Uint8Array): boolean {
  if (end - start !== literal.length) return false;
  for (let k = 0; k < literal.length; k++) if (buf[start + k] !== literal[k]) return false;
  return true;
}

/**
 * The JSON string whose quotes are at `start` and `end - 1`: decoded as it is when it has no escape
 * (a model name, a cache key), through JSON.parse otherwise; null when it is not valid.
 */
function stringValue(buf: Uint8Array, start: number, end: number): string | null {
  let plain = true;
  for (let k = start + 1; k < end - 1; k++) {
    const c = buf[k]!;
    if (c === BACKSLASH || c < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) return decoder.decode(buf.subarray(start + 1, end - 1));
  try {
    const value = JSON.parse(decoder.decode(buf.subarray(start, end))) as unknown;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

const asBytes = (keys: readonly string[]) => keys.map((k) => Buffer.from(k, 'latin1'));
const [MODEL, STREAM, METADATA, PROMPT_CACHE_KEY] = [0, 1, 2, 3];
const SCAN_KEYS = asBytes(['model', 'stream', 'metadata', 'prompt_cache_key']);

/**
 * Reads the top-level `model`, `stream`, `metadata.user_id` and `prompt_cache_key` of a JSON request body. Claude Code sends bodies of
 * hundreds of kilobytes on every turn; this walks them once, jumping over strings with the native
 * `indexOf`, and never builds the conversation's object graph (JSON.parse would, on the event loop).
 * A body that is not a JSON object gives `json: false` and is forwarded untouched all the same.
 */
export function scanBody(buf: Uint8Array): BodyFacts {
  let model: string | null = null;
  let stream: boolean | null = null;
  let userId: string | null = null;
  let promptCacheKey: string | null = null;
  let modelSpan: [number, number] | null = null;
  const ok = walkTopLevel(buf, SCAN_KEYS, (key, i, valueEnd) => {
    if ((key === MODEL || key === PROMPT_CACHE_KEY) && buf[i] === QUOTE) {
      const value = stringValue(buf, i, valueEnd);
      if (value === null) return false;
      if (key === MODEL) {
        model = value;
        modelSpan = [i, valueEnd];
      } else promptCacheKey = value;
    } else if (key === METADATA && buf[i] === 0x7b && valueEnd - i < 4096) {
      try {
        const id = (JSON.parse(decoder.decode(buf.subarray(i, valueEnd))) as { user_id?: unknown }).user_id;
        userId = typeof id === 'string' ? id : null;
      } catch {
        return false;
      }
    } else if (key === STREAM) {
      stream = isLiteral(buf, i, valueEnd, TRUE) ? true : isLiteral(buf, i, valueEnd, FALSE) ? false : null;
    }
    return true;
  });
  return ok ? { json: true, model, stream, userId, promptCacheKey, modelSpan } : NOT_JSON;
}

/**
 * The byte spans of some top-level values of a JSON object, found without parsing the rest (a
 * response's `usage` and `model` sit beside a long answer text): one span (or null, when absent) per
 * key, in the order asked. Null when the bytes are not one JSON object.
 */
export function topLevelSpans(buf: Uint8Array, keys: readonly string[]): Array<[number, number] | null> | null {
  const spans: Array<[number, number] | null> = keys.map(() => null);
  return walkTopLevel(buf, keyBytes(keys), (key, start, end) => {
    spans[key] = [start, end];
    return true;
  })
    ? spans
    : null;
}

/** Keys as bytes, worked out once per list. */
const keyCache = new WeakMap<readonly string[], Uint8Array[]>();
function keyBytes(keys: readonly string[]): Uint8Array[] {
  let bytes = keyCache.get(keys);
  if (!bytes) keyCache.set(keys, (bytes = asBytes(keys)));
  return bytes;
}

/**
 * The body with its top-level `model` replaced in place: every other byte is kept as it was (no
 * re-serialising, so signed blocks and prompt-cache prefixes stay identical). Null when the body has
 * no top-level string `model`.
 */
export function replaceModel(buf: Buffer, model: string): Buffer | null {
  const span = scanBody(buf).modelSpan;
  if (!span) return null;
  return Buffer.concat([buf.subarray(0, span[0]), Buffer.from(JSON.stringify(model)), buf.subarray(span[1])]);
}
