import type { Usage } from '../../../shared/usage.ts';

import { num, obj, type Obj } from '../json-fields.ts';
import type { UsageShape } from '../stream-state.ts';

/**
 * Anthropic Messages `usage` (message, message_start or merged message_delta). `input_tokens`
 * excludes cache tokens; `output_tokens` includes thinking.
 */
export function fromAnthropic(raw: Obj): Usage {
  const input = num(raw.input_tokens) ?? 0;
  const create = num(raw.cache_creation_input_tokens) ?? 0;
  const read = num(raw.cache_read_input_tokens) ?? 0;
  const output = num(raw.output_tokens) ?? 0;
  const split = obj(raw.cache_creation);
  const m5 = num(split.ephemeral_5m_input_tokens);
  const h1 = num(split.ephemeral_1h_input_tokens);
  return {
    input,
    cached_create: create,
    cached_read: read,
    output,
    reasoning: num(obj(raw.output_tokens_details).thinking_tokens) ?? 0,
    total: input + create + read + output,
    cache_5m: m5 === null && h1 === null ? null : (m5 ?? 0),
    cache_1h: m5 === null && h1 === null ? null : (h1 ?? 0),
  };
}

/**
 * The fields of an Anthropic `usage` that `fromAnthropic` reads, in an object of one fixed shape (a
 * parsed object's own shape varies by relay, which makes every later read slow).
 */
export function anthropicUsageFields(u: Obj): Obj {
  return {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    output_tokens: u.output_tokens,
    cache_creation: u.cache_creation,
    output_tokens_details: u.output_tokens_details,
  };
}

/**
 * Anthropic streaming rule (the SDK's MessageStream): start from `message_start.message.usage`; for
 * each `message_delta`, overwrite each field that is present and non-null, never add. The delta's
 * `output_tokens` is the whole message's total, not an increment. Only the fields usage is made of
 * are carried.
 */
export function mergeAnthropicDelta(base: Obj, delta: Obj): Obj {
  return {
    input_tokens: delta.input_tokens ?? base.input_tokens,
    cache_creation_input_tokens: delta.cache_creation_input_tokens ?? base.cache_creation_input_tokens,
    cache_read_input_tokens: delta.cache_read_input_tokens ?? base.cache_read_input_tokens,
    output_tokens: delta.output_tokens ?? base.output_tokens,
    cache_creation: delta.cache_creation ?? base.cache_creation,
    output_tokens_details: delta.output_tokens_details ?? base.output_tokens_details,
  };
}

/** Anthropic usage: `input_tokens` / `output_tokens` (tried after the OpenAI shapes, which share the names). */
export const anthropicUsage: UsageShape = { precedence: 2, matches: (raw) => 'input_tokens' in raw || 'output_tokens' in raw, read: fromAnthropic };
