import type { Usage } from '../../../shared/usage.ts';
import { num, type Obj } from '../json-fields.ts';
import type { UsageShape } from '../stream-state.ts';

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`;
 * `candidatesTokenCount` excludes `thoughtsTokenCount`, both billed as output;
 * `toolUsePromptTokenCount` (a tool's own prompt) is input. Normalised like the others: `input`
 * without cache reads, `output` with the thinking, `reasoning` the thinking alone.
 */
export function fromGemini(raw: Obj): Usage {
  const prompt = num(raw.promptTokenCount) ?? 0;
  const cached = Math.min(prompt, num(raw.cachedContentTokenCount) ?? 0);
  const thoughts = num(raw.thoughtsTokenCount) ?? 0;
  const output = (num(raw.candidatesTokenCount) ?? 0) + thoughts;
  const input = prompt - cached + (num(raw.toolUsePromptTokenCount) ?? 0);
  return { input, cached_create: 0, cached_read: cached, output, reasoning: thoughts, total: input + cached + output, cache_5m: null, cache_1h: null };
}

export const geminiUsage: UsageShape = {
  precedence: 3,
  matches: (raw) => 'promptTokenCount' in raw || 'candidatesTokenCount' in raw || 'totalTokenCount' in raw,
  read: fromGemini,
};
