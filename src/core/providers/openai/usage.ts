import type { Usage } from '../../../shared/usage.ts';

import { num, obj, type Obj } from '../json-fields.ts';
import type { UsageShape } from '../stream-state.ts';

/**
 * OpenAI's convention, shared by Responses and Chat Completions: the input count includes cached
 * tokens (and, where reported, cache writes), and output includes reasoning.
 */
function openAiStyle(inputAll: number, cached: number, create: number, output: number, reasoning: number): Usage {
  const input = Math.max(0, inputAll - cached - create);
  return { input, cached_create: create, cached_read: cached, output, reasoning, total: input + create + cached + output, cache_5m: null, cache_1h: null };
}

/** OpenAI Responses `usage`: `input_tokens` includes `cached_tokens`, `output_tokens` includes reasoning. */
export function fromResponses(raw: Obj): Usage {
  const details = obj(raw.input_tokens_details);
  return openAiStyle(
    num(raw.input_tokens) ?? 0,
    num(details.cached_tokens) ?? 0,
    num(details.cache_write_tokens) ?? 0,
    num(raw.output_tokens) ?? 0,
    num(obj(raw.output_tokens_details).reasoning_tokens) ?? 0,
  );
}

/**
 * Chat Completions `usage` (chat-only relays): `prompt_tokens` includes cached tokens. Some relays add
 * Anthropic-style cache fields; they are honoured when present.
 */
export function fromChat(raw: Obj): Usage {
  const details = obj(raw.prompt_tokens_details);
  const cached = num(details.cached_tokens) ?? num(raw.cache_read_input_tokens) ?? 0;
  const create = num(raw.cache_creation_input_tokens) ?? num(details.cache_write_tokens) ?? 0;
  return openAiStyle(
    num(raw.prompt_tokens) ?? 0,
    cached,
    create,
    num(raw.completion_tokens) ?? 0,
    num(obj(raw.completion_tokens_details).reasoning_tokens) ?? 0,
  );
}

/** Chat Completions usage, by its own names (`prompt_tokens`, `completion_tokens`). */
export const chatUsage: UsageShape = { precedence: 0, matches: (raw) => 'prompt_tokens' in raw || 'completion_tokens' in raw, read: fromChat };

/** Responses usage: token details or a total, and none of Anthropic's cache fields. */
export const responsesUsage: UsageShape = {
  precedence: 1,
  matches: (raw) =>
    ('input_tokens_details' in raw || 'output_tokens_details' in raw || 'total_tokens' in raw) &&
    !('cache_read_input_tokens' in raw) &&
    !('cache_creation_input_tokens' in raw),
  read: fromResponses,
};
