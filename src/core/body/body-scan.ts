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

/** Index just past the closing quote of the string whose opening quote is at `i`, or -1. */
function skipString(buf: Uint8Array, i: number): number {
  let j = i + 1;
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

/** The keys the scanner reads, as bytes: a key is compared in place, never decoded. */
const KEYS = ['model', 'stream', 'metadata', 'prompt_cache_key'] as const;
const KEY_BYTES = KEYS.map((k) => Buffer.from(k, 'latin1'));

/** Which of KEYS the bytes between `start` and `end` spell (a key with an escape never matches). */
function keyAt(buf: Uint8Array, start: number, end: number): (typeof KEYS)[number] | null {
  const length = end - start;
  for (let k = 0; k < KEY_BYTES.length; k++) {
    const key = KEY_BYTES[k]!;
    if (key.length !== length) continue;
    let i = 0;
    while (i < length && buf[start + i] === key[i]) i++;
    if (i === length) return KEYS[k]!;
  }
  return null;
}

/**
 * Reads the top-level `model`, `stream`, `metadata.user_id` and `prompt_cache_key` of a JSON request body. Claude Code sends bodies of
 * hundreds of kilobytes on every turn; this walks them once, jumping over strings with the native
 * `indexOf`, and never builds the conversation's object graph (JSON.parse would, on the event loop).
 * A body that is not a JSON object gives `json: false` and is forwarded untouched all the same.
 */
export function scanBody(buf: Uint8Array): BodyFacts {
  let i = skipSpace(buf, 0);
  if (buf[i] !== 0x7b) return NOT_JSON;
  i = skipSpace(buf, i + 1);
  let model: string | null = null;
  let stream: boolean | null = null;
  let userId: string | null = null;
  let promptCacheKey: string | null = null;
  let modelSpan: [number, number] | null = null;
  if (buf[i] === 0x7d) return { json: true, model, stream, userId, promptCacheKey, modelSpan };
  for (;;) {
    if (buf[i] !== QUOTE) return NOT_JSON;
    const keyEnd = skipString(buf, i);
    if (keyEnd < 0) return NOT_JSON;
    const key = keyAt(buf, i + 1, keyEnd - 1);
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== 0x3a) return NOT_JSON;
    i = skipSpace(buf, i + 1);
    const valueEnd = skipValue(buf, i);
    if (valueEnd < 0) return NOT_JSON;
    if ((key === 'model' || key === 'prompt_cache_key') && buf[i] === QUOTE) {
      let value: string;
      try {
        value = JSON.parse(decoder.decode(buf.subarray(i, valueEnd))) as string;
      } catch {
        return NOT_JSON;
      }
      if (key === 'model') {
        model = value;
        modelSpan = [i, valueEnd];
      } else promptCacheKey = value;
    } else if (key === 'metadata' && buf[i] === 0x7b && valueEnd - i < 4096) {
      try {
        const id = (JSON.parse(decoder.decode(buf.subarray(i, valueEnd))) as { user_id?: unknown }).user_id;
        userId = typeof id === 'string' ? id : null;
      } catch {
        return NOT_JSON;
      }
    } else if (key === 'stream') {
      const literal = decoder.decode(buf.subarray(i, valueEnd));
      stream = literal === 'true' ? true : literal === 'false' ? false : null;
    }
    i = skipSpace(buf, valueEnd);
    if (buf[i] === 0x2c) {
      i = skipSpace(buf, i + 1);
      continue;
    }
    if (buf[i] === 0x7d) return skipSpace(buf, i + 1) === buf.length ? { json: true, model, stream, userId, promptCacheKey, modelSpan } : NOT_JSON;
    return NOT_JSON;
  }
}

/**
 * The byte spans of some top-level values of a JSON object, found without parsing the rest (a
 * response's `usage` and `model` sit beside a long answer text). Null when the bytes are not a JSON
 * object; a key that is absent has no entry.
 */
export function topLevelSpans(buf: Uint8Array, wanted: ReadonlySet<string>): Map<string, [number, number]> | null {
  const spans = new Map<string, [number, number]>();
  let i = skipSpace(buf, 0);
  if (buf[i] !== 0x7b) return null;
  i = skipSpace(buf, i + 1);
  if (buf[i] === 0x7d) return spans;
  for (;;) {
    if (buf[i] !== QUOTE) return null;
    const keyEnd = skipString(buf, i);
    if (keyEnd < 0) return null;
    const key = keyEnd - i - 2 <= 32 ? decoder.decode(buf.subarray(i + 1, keyEnd - 1)) : '';
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== 0x3a) return null;
    i = skipSpace(buf, i + 1);
    const valueEnd = skipValue(buf, i);
    if (valueEnd < 0) return null;
    if (wanted.has(key)) spans.set(key, [i, valueEnd]);
    i = skipSpace(buf, valueEnd);
    if (buf[i] === 0x2c) {
      i = skipSpace(buf, i + 1);
      continue;
    }
    return buf[i] === 0x7d ? spans : null;
  }
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
