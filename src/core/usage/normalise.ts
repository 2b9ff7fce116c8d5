import type { Usage } from '../../shared/usage.ts';
import { fromAnthropic } from '../providers/anthropic/usage.ts';
import { fromChat, fromResponses } from '../providers/openai/usage.ts';

type Obj = Record<string, unknown>;

/** Picks the normaliser by the usage object's own field names (relays mix dialects). */
export function normaliseUsage(raw: Obj): Usage | null {
  if ('prompt_tokens' in raw || 'completion_tokens' in raw) return fromChat(raw);
  if ('input_tokens_details' in raw || 'output_tokens_details' in raw || 'total_tokens' in raw) {
    if (!('cache_read_input_tokens' in raw) && !('cache_creation_input_tokens' in raw)) return fromResponses(raw);
  }
  if ('input_tokens' in raw || 'output_tokens' in raw) return fromAnthropic(raw);
  return null;
}
