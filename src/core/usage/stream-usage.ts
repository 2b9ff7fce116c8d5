import type { Usage } from '../../shared/usage.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { parseEventData, type StreamEventHandler, type StreamState } from '../providers/stream-state.ts';
import { normaliseUsage } from './normalise.ts';
import { topLevelSpans } from '../body/body-scan.ts';
import type { SseEvent } from './sse-decoder.ts';

type Obj = Record<string, unknown>;

const TYPE_PREFIX = /^\{\s*"type"\s*:\s*"([^"]+)"/;

/**
 * Each API's stream grammar lives with its provider; one stream reader takes them all, because a
 * relay may speak another API's events on any port.
 */
const GRAMMARS = Object.values(PROVIDERS).map((p) => p.stream);
const HANDLERS: Readonly<Record<string, StreamEventHandler>> = Object.assign({}, ...GRAMMARS.map((g) => g.events));
const UNNAMED = GRAMMARS.flatMap((g) => (g.unnamed ? [g.unnamed] : []));

/** Whether `onEvent` needs an event of this name (unnamed events are looked into: relays omit names). */
export function usefulEvent(event: string | null): boolean {
  return event === null || Object.hasOwn(HANDLERS, event);
}

const parse = parseEventData;

/**
 * Collects usage from the events of one response stream, whatever the API, by the grammars of the
 * providers (Anthropic's `message_start` merged with each `message_delta`, the `usage` of Responses'
 * `response.completed`, the last Chat Completions chunk's, Gemini's last `usageMetadata`). Only
 * events that can carry usage, a model or an error are JSON-parsed; text deltas are skipped.
 */
export class StreamUsage {
  private readonly state: StreamState = { usage: null, readUsage: null, model: null, streamError: null, completed: false };

  get model(): string | null {
    return this.state.model;
  }

  /** The error an upstream put inside a 200 stream (`overloaded_error`, a `response.failed` code). */
  get streamError(): string | null {
    return this.state.streamError;
  }

  /** True once the stream said it was complete (`message_stop`, `response.completed`, `[DONE]`, a `finishReason`). */
  get completed(): boolean {
    return this.state.completed;
  }

  /** Takes any event; those `usefulEvent` turns down change nothing here. */
  onEvent(e: SseEvent): void {
    const type = e.event ?? TYPE_PREFIX.exec(e.data)?.[1] ?? null;
    const handler = type !== null && Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
    if (handler) handler(this.state, e.data, type!);
    else if (type === null || e.data === '[DONE]') for (const unnamed of UNNAMED) if (unnamed(this.state, e.data)) return;
  }

  usage(): Usage | null {
    const s = this.state;
    return s.usage && s.readUsage ? s.readUsage(s.usage) : null;
  }
}

/** Each API's top-level keys of a whole answer, usage then model (`usage`/`model`, `usageMetadata`/`modelVersion`). */
const ANSWER_KEYS = [...new Set(Object.values(PROVIDERS).map((p) => `${p.answerKeys.usage}\n${p.answerKeys.model}`))].map(
  (k) => k.split('\n') as [string, string],
);
const RESPONSE_KEYS = ANSWER_KEYS.flat();

/**
 * Usage and model of a whole JSON response, from its bytes: only the top-level `usage` and `model`
 * values are parsed (the answer beside them can be long). Anything unusual (no top-level usage, a
 * body that is not one JSON object) takes the full parse.
 */
export function usageFromJsonBytes(bytes: Buffer): { usage: Usage | null; model: string | null } {
  const spans = topLevelSpans(bytes, RESPONSE_KEYS) ?? [];
  const pair = ANSWER_KEYS.findIndex((_, i) => spans[i * 2]);
  const usageSpan = pair < 0 ? null : spans[pair * 2];
  const modelSpan = pair < 0 ? null : spans[pair * 2 + 1];
  if (!usageSpan) return usageFromJson(bytes.toString('utf8'));
  const usage = parse(bytes.toString('utf8', usageSpan[0], usageSpan[1]));
  let model: unknown = null;
  if (modelSpan) {
    try {
      model = JSON.parse(bytes.toString('utf8', modelSpan[0], modelSpan[1]));
    } catch {
      model = null;
    }
  }
  return { usage: usage ? normaliseUsage(usage) : null, model: typeof model === 'string' ? model : null };
}

/** Usage from a whole non-streaming JSON body (Messages, Responses, Chat Completions, Gemini). */
export function usageFromJson(text: string): { usage: Usage | null; model: string | null } {
  const body = parse(text);
  if (!body) return { usage: findUsageInText(text), model: null };
  const [usageKey, modelKey] = ANSWER_KEYS.find(([u]) => body[u] !== undefined) ?? ANSWER_KEYS[0]!;
  const model = typeof body[modelKey] === 'string' ? (body[modelKey] as string) : null;
  const usage = (body[usageKey] ?? (body.response as Obj | undefined)?.usage) as Obj | undefined;
  return { usage: usage && typeof usage === 'object' ? normaliseUsage(usage) : null, model };
}

/**
 * The last `"usage": {...}` object in a piece of JSON text: for bodies too large to keep whole, where
 * only their tail was kept. Brackets inside strings are skipped.
 */
export function findUsageInText(text: string): Usage | null {
  const at = Math.max(...ANSWER_KEYS.map(([usage]) => text.lastIndexOf(`"${usage}"`)));
  if (at < 0) return null;
  const open = text.indexOf('{', at);
  if (open < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const obj = parse(text.slice(open, i + 1));
      return obj ? normaliseUsage(obj) : null;
    }
  }
  return null;
}
