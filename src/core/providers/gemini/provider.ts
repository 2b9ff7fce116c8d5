import { TEST_PROMPT, type Provider } from '../provider.ts';
import { countTokensFallback } from './count-tokens.ts';
import { geminiDialect } from './errors.ts';
import { GEMINI_MODELS } from './models.ts';
import { geminiPathModel, withoutQueryKey } from './path-model.ts';
import { isSignatureRejection, mayCarrySignature, replaceSignatures } from './signed-history.ts';
import { geminiStream } from './stream.ts';
import { geminiUsage } from './usage.ts';

type Obj = Record<string, unknown>;

/** The Gemini API (`generateContent`, `streamGenerateContent?alt=sse`, `countTokens`), as Gemini CLI speaks it. */
export const geminiProvider: Provider = {
  service: 'gemini',
  errors: geminiDialect,
  localAnswer: () => null,
  signedHistory: { mayCarry: mayCarrySignature, strip: replaceSignatures, isRejection: isSignatureRejection },
  modelHeaders: [],
  models: GEMINI_MODELS,
  toolSearch: null,
  unservedFallback: countTokensFallback,
  modelPicker: null,
  stream: geminiStream,
  usageShapes: [geminiUsage],
  answerKeys: { usage: 'usageMetadata', model: 'modelVersion' },
  pathModel: geminiPathModel,
  streamByPath: (path) => path.endsWith(':streamGenerateContent'),
  upstreamUrl: withoutQueryKey,
  replyText(json) {
    const parts = (((json.candidates as Obj[] | undefined)?.[0]?.content as Obj | undefined)?.parts as Obj[] | undefined) ?? [];
    const text = parts
      .filter((p) => p.thought !== true && typeof p.text === 'string')
      .map((p) => p.text)
      .join('');
    return text || null;
  },
  modelList: {
    path: '/v1beta/models',
    ids: (json) =>
      ((json.models as Array<{ name?: unknown }> | undefined) ?? []).map((m) => (typeof m.name === 'string' ? m.name.replace(/^models\//, '') : m.name)),
  },
  testRequest(model) {
    return {
      path: `/v1beta/models/${encodeURIComponent(model)}:generateContent`,
      headers: {},
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: TEST_PROMPT }] }], generationConfig: { maxOutputTokens: 64 } }),
    };
  },
};
