import type { ModelPicker, PickerEntry } from '../provider.ts';

/**
 * Claude Code's `/model` picker, filled from CLP (gateway model discovery: `GET /v1/models` at start
 * when `CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1`). Each entry is one config and one model, and
 * its id carries both: `claude-opus-5-5@relay-a`. Claude Code keeps only ids that contain `claude`
 * or `anthropic`, sends the picked id as the request's `model`, and strips a `[1m]` suffix before
 * that (so nothing may follow the config but such a suffix). A model without `claude` in its name
 * (a relay's own) is listed as `claude:<model>@<config>`.
 *
 * The config's name keeps its letters (Chinese, emoji); only `@`, `%`, brackets and control
 * characters are percent-encoded, so every name parses back to itself.
 */
const CLAUDEISH = /claude|anthropic/i;
const FOREIGN = 'claude:';
/** Vertex's dated ids (`claude-opus-4-1@20250805`) are not CLP's. */
const VERTEX_DATE = /^\d{8}$/;

/** What Claude Code 2.1.332 offers as opus, sonnet and haiku: listed for a config that names no `models`. */
export const DEFAULT_PICKER_MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'];

/** `@`, `%`, brackets and control characters: what could not be read back out of an id. */
const escapes = (c: string) => '%@[]'.includes(c) || c < ' ' || c === '\u007f';
const encodeTag = (name: string) => [...name].map((c) => (escapes(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c)).join('');

function decodeTag(tag: string): string | null {
  try {
    return decodeURIComponent(tag);
  } catch {
    return null;
  }
}

export function pickerId(model: string, config: string): string {
  return `${CLAUDEISH.test(model) ? model : FOREIGN + model}@${encodeTag(config)}`;
}

/** The config and real model a picked id names; null when the model is not one of CLP's ids. */
export function parsePickerId(id: string): { model: string; config: string } | null {
  const at = id.lastIndexOf('@');
  if (at <= 0 || at === id.length - 1) return null;
  const tag = id.slice(at + 1);
  if (VERTEX_DATE.test(tag)) return null;
  const config = decodeTag(tag);
  if (!config) return null;
  let model = id.slice(0, at);
  if (model.startsWith(FOREIGN)) model = model.slice(FOREIGN.length);
  return model ? { model, config } : null;
}

/** "claude-opus-5-5" → "Opus 5.5"; a dated id loses its date; other names stay as they are. */
export function modelLabel(model: string): string {
  const m = /^claude-([a-z]+)-(\d+)(?:-(\d{1,2}))?(?:-\d{8})?$/.exec(model);
  if (!m) return model;
  const family = m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1);
  return `${family} ${m[2]}${m[3] ? `.${m[3]}` : ''}`;
}

/** Anthropic's model list format (`GET /v1/models`), one page with everything. */
function listBody(entries: readonly PickerEntry[]): unknown {
  const data = entries.map((e) => ({
    type: 'model',
    id: pickerId(e.model, e.config),
    display_name: `${modelLabel(e.model)} via ${e.config}`,
    description: `${e.model} on ${e.config}: keeps this session on ${e.config} (CLP)`,
    created_at: '2026-01-01T00:00:00Z',
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

export const anthropicModelPicker: ModelPicker = {
  isList: (method, path) => method === 'GET' && (path === '/v1/models' || path === '/models'),
  listBody,
  parse: parsePickerId,
  defaults: DEFAULT_PICKER_MODELS,
};
