import { MODEL_IN_BODY, TEST_PROMPT, type Provider } from '../provider.ts';
import { OPENAI_MODELS } from './models.ts';
import { openaiStream } from './stream.ts';
import { chatUsage, responsesUsage } from './usage.ts';
import { openaiDialect } from './errors.ts';
import { isReasoningRejection, mayCarryReasoning, stripReasoning } from './signed-history.ts';

/** The OpenAI Responses API, as Codex speaks it. */
export const openaiProvider: Provider = {
  service: 'codex',
  errors: openaiDialect,
  localAnswer: () => null,
  signedHistory: { mayCarry: mayCarryReasoning, strip: stripReasoning, isRejection: isReasoningRejection },
  // Codex warns about a reroute when `openai-model` differs from the model it asked for.
  modelHeaders: ['openai-model', 'x-openai-model'],
  // Codex lists its models from its own catalogue (`model_catalog_json`), not from the gateway.
  models: OPENAI_MODELS,
  toolSearch: null,
  unservedFallback: () => null,
  modelPicker: null,
  ...MODEL_IN_BODY,
  stream: openaiStream,
  usageShapes: [chatUsage, responsesUsage],
  replyText(json) {
    const parts: string[] = [];
    for (const item of (json.output as Array<{ content?: Array<{ text?: string }> }> | undefined) ?? [])
      for (const c of item.content ?? []) if (c.text) parts.push(c.text);
    return parts.length ? parts.join('') : null;
  },
  testRequest(model, effort) {
    return {
      path: '/v1/responses',
      headers: {},
      body: JSON.stringify({
        model,
        input: [{ role: 'user', content: TEST_PROMPT }],
        max_output_tokens: 16,
        store: false,
        stream: false,
        ...(effort ? { reasoning: { effort } } : {}),
      }),
    };
  },
};
