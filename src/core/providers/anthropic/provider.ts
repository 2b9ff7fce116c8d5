import { MODEL_IN_BODY, TEST_PROMPT, type Provider } from '../provider.ts';
import { ANTHROPIC_MODELS } from './models.ts';
import { anthropicStream } from './stream.ts';
import { anthropicUsage } from './usage.ts';
import { countTokensFallback } from './count-tokens.ts';
import { anthropicDialect } from './errors.ts';
import { mayCarryToolSearch, stripToolSearch } from './tool-search.ts';
import { anthropicModelPicker } from './model-picker.ts';
import { isThinkingRejection, mayCarryThinking, stripThinking } from './signed-history.ts';

/** The Anthropic Messages API, as Claude Code speaks it. */
export const anthropicProvider: Provider = {
  service: 'claude',
  errors: anthropicDialect,
  localAnswer(method, path) {
    // `/api/hello` is Claude Code's older health probe; `/api/event_logging/*` its telemetry, which
    // is answered here and never sent to a relay.
    if (path === '/api/hello' && (method === 'GET' || method === 'HEAD')) return { status: 200, body: { ok: true } };
    if (path.startsWith('/api/event_logging/')) return { status: 204, body: null };
    return null;
  },
  signedHistory: { mayCarry: mayCarryThinking, strip: stripThinking, isRejection: isThinkingRejection },
  modelHeaders: [],
  models: ANTHROPIC_MODELS,
  toolSearch: { mayCarry: mayCarryToolSearch, strip: stripToolSearch },
  unservedFallback: countTokensFallback,
  modelPicker: anthropicModelPicker,
  ...MODEL_IN_BODY,
  stream: anthropicStream,
  usageShapes: [anthropicUsage],
  replyText(json) {
    const parts: string[] = [];
    for (const block of (json.content as Array<{ text?: string }> | undefined) ?? []) if (block.text) parts.push(block.text);
    return parts.length ? parts.join('') : null;
  },
  testRequest(model) {
    return {
      path: '/v1/messages',
      headers: { 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: TEST_PROMPT }] }),
    };
  },
};
