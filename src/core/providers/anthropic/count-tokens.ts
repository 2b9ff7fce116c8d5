/**
 * A local `count_tokens` answer for upstreams that do not serve the endpoint (most relays answer 404
 * or 405). Claude Code uses the count to decide when to compact; a 0 would stop that, so CLP answers
 * with an estimate: the prompt's text (system, messages, tool definitions and calls, tool results)
 * at 3.5 characters a token, the ratio of the newer tokenizer on English and code, rounded up.
 */
const CHARS_PER_TOKEN = 3.5;

function textOf(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) textOf(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // An image or document counts as its source's size would mislead: a fixed share instead.
    if (o.type === 'image' || o.type === 'document') out.push(' '.repeat(1600 * CHARS_PER_TOKEN));
    else for (const [k, x] of Object.entries(o)) if (k !== 'type' && k !== 'cache_control' && k !== 'signature') textOf(x, out);
  }
}

/** The estimated input tokens of a Messages request body, at least 1. Pure. */
export function estimateInputTokens(body: { system?: unknown; messages?: unknown; tools?: unknown }): number {
  const out: string[] = [];
  textOf(body.system, out);
  textOf(body.messages, out);
  for (const tool of Array.isArray(body.tools) ? body.tools : []) out.push(JSON.stringify(tool));
  const chars = out.reduce((n, s) => n + s.length, 0);
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}

/** The answer for a `count_tokens` the upstream does not serve (404, 405); null for anything else. */
export function countTokensFallback(path: string, status: number, body: Buffer | null): unknown | null {
  if (path !== '/v1/messages/count_tokens' || (status !== 404 && status !== 405) || !body) return null;
  try {
    return { input_tokens: estimateInputTokens(JSON.parse(body.toString('utf8'))) };
  } catch {
    return null;
  }
}
