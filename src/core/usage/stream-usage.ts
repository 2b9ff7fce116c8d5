import type { Usage } from '../../shared/usage.ts';
import { anthropicUsageFields, fromAnthropic, mergeAnthropicDelta } from '../providers/anthropic/usage.ts';
import { fromChat, fromResponses } from '../providers/openai/usage.ts';
import { normaliseUsage } from './normalise.ts';
import type { SseEvent } from './sse-decoder.ts';

type Obj = Record<string, unknown>;

const TYPE_PREFIX = /^\{\s*"type"\s*:\s*"([^"]+)"/;

/** The named events that can carry usage, a model, an error or the end (the cases `onEvent` reads). */
const USEFUL_EVENTS = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'response.created',
  'response.in_progress',
  'response.completed',
  'response.failed',
  'response.incomplete',
  'error',
]);

/** Whether `onEvent` needs an event of this name (unnamed events are looked into: relays omit names). */
export function usefulEvent(event: string | null): boolean {
  return event === null || USEFUL_EVENTS.has(event);
}

function parse(data: string): Obj | null {
  try {
    const v = JSON.parse(data);
    return v && typeof v === 'object' ? (v as Obj) : null;
  } catch {
    return null; // `[DONE]` and other non-JSON data
  }
}

/**
 * Collects usage from the events of one response stream, whatever the API:
 * - Anthropic: `message_start.message.usage`, merged with every `message_delta.usage` (overwrite,
 *   never add);
 * - Responses: the `usage` of `response.completed` (or `.failed` / `.incomplete`);
 * - Chat Completions: the last non-null `usage` of any chunk.
 * Only events that can carry usage, a model or an error are JSON-parsed; text deltas are skipped.
 */
export class StreamUsage {
  private anthropic: Obj | null = null;
  private responses: Obj | null = null;
  private chat: Obj | null = null;
  model: string | null = null;
  /** The error an upstream put inside a 200 stream (`overloaded_error`, a `response.failed` code). */
  streamError: string | null = null;
  /** True once the stream said it was complete (`message_stop`, `response.completed`, `[DONE]`). */
  completed = false;

  /** Takes any event; those `usefulEvent` turns down change nothing here. */
  onEvent(e: SseEvent): void {
    const type = e.event ?? TYPE_PREFIX.exec(e.data)?.[1] ?? null;
    switch (type) {
      case 'message_start': {
        const message = parse(e.data)?.message as Obj | undefined;
        if (message) {
          this.anthropic = anthropicUsageFields((message.usage ?? {}) as Obj);
          if (typeof message.model === 'string') this.model = message.model;
        }
        return;
      }
      case 'message_delta': {
        const usage = parse(e.data)?.usage as Obj | undefined;
        if (usage) this.anthropic = mergeAnthropicDelta(this.anthropic ?? {}, usage);
        return;
      }
      case 'message_stop':
        this.completed = true;
        return;
      case 'response.created':
      case 'response.in_progress': {
        if (this.model) return;
        const response = parse(e.data)?.response as Obj | undefined;
        if (typeof response?.model === 'string') this.model = response.model;
        return;
      }
      case 'response.completed':
      case 'response.failed':
      case 'response.incomplete': {
        const response = parse(e.data)?.response as Obj | undefined;
        if (!response) return;
        if (typeof response.model === 'string') this.model = response.model;
        if (response.usage && typeof response.usage === 'object') this.responses = response.usage as Obj;
        if (type === 'response.completed') this.completed = true;
        else if (type === 'response.failed') this.streamError = String((response.error as Obj | null)?.code ?? 'response.failed');
        else this.streamError = `incomplete:${String((response.incomplete_details as Obj | null)?.reason ?? '')}`;
        return;
      }
      case 'error': {
        const body = parse(e.data);
        const err = (body?.error as Obj | undefined) ?? body;
        this.streamError = String(err?.type ?? err?.code ?? 'error');
        return;
      }
      default:
        if (e.data === '[DONE]') {
          this.completed = true;
          return;
        }
        if (type === null && e.data.includes('"usage"')) {
          const chunk = parse(e.data);
          if (chunk?.usage && typeof chunk.usage === 'object') this.chat = chunk.usage as Obj;
          if (chunk && typeof chunk.model === 'string') this.model = chunk.model;
        }
    }
  }

  usage(): Usage | null {
    if (this.anthropic) return fromAnthropic(this.anthropic);
    if (this.responses) return fromResponses(this.responses);
    if (this.chat) return fromChat(this.chat);
    return null;
  }
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
