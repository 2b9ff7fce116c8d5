import { estimateTokens, type EstimateRules } from '../estimate-tokens.ts';

/**
 * A local `count_tokens` answer for upstreams that do not serve the endpoint (most relays answer 404
 * or 405). Claude Code uses the count to decide when to compact; a 0 would stop that, so CLP answers
 * with an estimate of the prompt's text (system, messages, tool definitions and calls, tool results).
 */
const RULES: EstimateRules = {
  skip: new Set(['type', 'cache_control', 'signature']),
  media: (o) => o.type === 'image' || o.type === 'document',
};

/** The estimated input tokens of a Messages request body, at least 1. Pure. */
export function estimateInputTokens(body: { system?: unknown; messages?: unknown; tools?: unknown }): number {
  return estimateTokens([body.system, body.messages], RULES, Array.isArray(body.tools) ? body.tools : []);
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
