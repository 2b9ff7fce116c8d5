import type { Usage } from '../../shared/usage.ts';
import { ANTHROPIC_STREAM_EVENTS } from '../providers/anthropic/stream.ts';
import { fromAnthropic } from '../providers/anthropic/usage.ts';
import { onChatChunk, RESPONSES_STREAM_EVENTS } from '../providers/openai/stream.ts';
import { parseEventData, type StreamEventHandler, type StreamState } from '../providers/stream-state.ts';
import { fromChat, fromResponses } from '../providers/openai/usage.ts';
import { normaliseUsage } from './normalise.ts';
import { topLevelSpans } from '../body/body-scan.ts';
import type { SseEvent } from './sse-decoder.ts';

type Obj = Record<string, unknown>;

const TYPE_PREFIX = /^\{\s*"type"\s*:\s*"([^"]+)"/;

/**
 * Each API's stream grammar lives with its provider; one stream reader takes them all, because a
 * relay may speak another API's events on either port.
 */
const HANDLERS: Readonly<Record<string, StreamEventHandler>> = { ...ANTHROPIC_STREAM_EVENTS, ...RESPONSES_STREAM_EVENTS };

/** Whether `onEvent` needs an event of this name (unnamed events are looked into: relays omit names). */
export function usefulEvent(event: string | null): boolean {
  return event === null || Object.hasOwn(HANDLERS, event);
}

const parse = parseEventData;

/**
 * Collects usage from the events of one response stream, whatever the API:
 * - Anthropic: `message_start.message.usage`, merged with every `message_delta.usage` (overwrite,
 *   never add);
 * - Responses: the `usage` of `response.completed` (or `.failed` / `.incomplete`);
 * - Chat Completions: the last non-null `usage` of any chunk.
 * Only events that can carry usage, a model or an error are JSON-parsed; text deltas are skipped.
 */
export class StreamUsage {
  private readonly state: StreamState = { anthropic: null, responses: null, chat: null, model: null, streamError: null, completed: false };

  get model(): string | null {
    return this.state.model;
  }

  /** The error an upstream put inside a 200 stream (`overloaded_error`, a `response.failed` code). */
  get streamError(): string | null {
    return this.state.streamError;
  }

  /** True once the stream said it was complete (`message_stop`, `response.completed`, `[DONE]`). */
  get completed(): boolean {
    return this.state.completed;
  }

  /** Takes any event; those `usefulEvent` turns down change nothing here. */
  onEvent(e: SseEvent): void {
    const type = e.event ?? TYPE_PREFIX.exec(e.data)?.[1] ?? null;
    const handler = type !== null && Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
    if (handler) handler(this.state, e.data, type!);
    else if (type === null || e.data === '[DONE]') onChatChunk(this.state, e.data);
  }

  usage(): Usage | null {
    const s = this.state;
    if (s.anthropic) return fromAnthropic(s.anthropic);
    if (s.responses) return fromResponses(s.responses);
    if (s.chat) return fromChat(s.chat);
    return null;
  }
}

const RESPONSE_KEYS = ['usage', 'model'] as const;

/**
 * Usage and model of a whole JSON response, from its bytes: only the top-level `usage` and `model`
 * values are parsed (the answer beside them can be long). Anything unusual (no top-level usage, a
 * body that is not one JSON object) takes the full parse.
 */
export function usageFromJsonBytes(bytes: Buffer): { usage: Usage | null; model: string | null } {
  const [usageSpan, modelSpan] = topLevelSpans(bytes, RESPONSE_KEYS) ?? [];
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

/** Usage from a whole non-streaming JSON body (Messages, Responses, Chat Completions). */
export function usageFromJson(text: string): { usage: Usage | null; model: string | null } {
  const body = parse(text);
  if (!body) return { usage: findUsageInText(text), model: null };
  const model = typeof body.model === 'string' ? body.model : null;
  const usage = (body.usage ?? (body.response as Obj | undefined)?.usage) as Obj | undefined;
  return { usage: usage && typeof usage === 'object' ? normaliseUsage(usage) : null, model };
}

/**
 * The last `"usage": {...}` object in a piece of JSON text: for bodies too large to keep whole, where
 * only their tail was kept. Brackets inside strings are skipped.
 */
export function findUsageInText(text: string): Usage | null {
  const at = text.lastIndexOf('"usage"');
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
