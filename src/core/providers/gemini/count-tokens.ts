import { estimateTokens, type EstimateRules } from '../estimate-tokens.ts';

const RULES: EstimateRules = {
  skip: new Set(['role', 'thoughtSignature', 'mimeType']),
  media: (o) => o.inlineData !== undefined || o.fileData !== undefined,
};

const COUNT_PATH = /^\/v1(?:beta|alpha)?\/models\/[^/:]+:countTokens$/;

type Obj = Record<string, unknown>;

/** The estimated tokens of a `countTokens` body (`contents`, or a whole `generateContentRequest`). Pure. */
export function estimateGeminiTokens(body: Obj): number {
  const req = (body.generateContentRequest as Obj | undefined) ?? body;
  return estimateTokens([req.systemInstruction, req.contents], RULES, Array.isArray(req.tools) ? req.tools : []);
}

/** The answer for a `countTokens` the upstream does not serve (404, 405): an estimate; null otherwise. */
export function countTokensFallback(path: string, status: number, body: Buffer | null): unknown | null {
  if (!COUNT_PATH.test(path) || (status !== 404 && status !== 405) || !body) return null;
  try {
    return { totalTokens: estimateGeminiTokens(JSON.parse(body.toString('utf8')) as Obj) };
  } catch {
    return null;
  }
}
