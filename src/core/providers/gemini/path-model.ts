import type { PathModel } from '../provider.ts';

/** `/v1beta/models/{model}:{method}`: the Gemini API names the model in the path. */
const MODEL_PATH = /^(\/v1(?:beta|alpha)?\/models\/)([^/:?]+)(:[A-Za-z]+)/;

export const geminiPathModel: PathModel = {
  of(path) {
    const m = MODEL_PATH.exec(path);
    if (!m) return null;
    try {
      return decodeURIComponent(m[2]!);
    } catch {
      return m[2]!;
    }
  },
  with(url, model) {
    return url.replace(MODEL_PATH, (_, head: string, _old: string, method: string) => `${head}${encodeURIComponent(model)}${method}`);
  },
};

/**
 * The client's path and query without a `key` parameter (the API's other way of taking a key): the
 * config's key goes in `x-goog-api-key`, and a key never travels in a URL. Pure.
 */
export function withoutQueryKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || !/(^|&)key=/.test(url.slice(q + 1))) return url;
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((p) => !p.startsWith('key='));
  return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}
