import { parseEventData, type StreamEventHandler, type StreamGrammar, type StreamState } from '../stream-state.ts';
import { fromChat, fromResponses } from './usage.ts';

type Obj = Record<string, unknown>;

const responseModel: StreamEventHandler = (s, data) => {
  if (s.model) return;
  const response = parseEventData(data)?.response as Obj | undefined;
  if (typeof response?.model === 'string') s.model = response.model;
};

const responseEnd: StreamEventHandler = (s, data, type) => {
  const response = parseEventData(data)?.response as Obj | undefined;
  if (!response) return;
  if (typeof response.model === 'string') s.model = response.model;
  if (response.usage && typeof response.usage === 'object') {
    s.usage = response.usage as Obj;
    s.readUsage = fromResponses;
  }
  if (type === 'response.completed') s.completed = true;
  else if (type === 'response.failed') s.streamError = String((response.error as Obj | null)?.code ?? 'response.failed');
  else s.streamError = `incomplete:${String((response.incomplete_details as Obj | null)?.reason ?? '')}`;
};

/** The Responses stream's events that matter: the model early, usage and the outcome at the end. */
const RESPONSES_EVENTS: Readonly<Record<string, StreamEventHandler>> = {
  'response.created': responseModel,
  'response.in_progress': responseModel,
  'response.completed': responseEnd,
  'response.failed': responseEnd,
  'response.incomplete': responseEnd,
};

/** A Chat Completions chunk (unnamed events): `[DONE]` ends the stream, the last `usage` counts. */
function onChatChunk(s: StreamState, data: string): boolean {
  if (data === '[DONE]') {
    s.completed = true;
    return true;
  }
  if (!data.includes('"usage"')) return false;
  const chunk = parseEventData(data);
  if (chunk?.usage && typeof chunk.usage === 'object') {
    s.usage = chunk.usage as Obj;
    s.readUsage = fromChat;
  }
  if (chunk && typeof chunk.model === 'string') s.model = chunk.model;
  return true;
}

/** Responses events by name; Chat Completions chunks (from chat-only relays) unnamed. */
export const openaiStream: StreamGrammar = { events: RESPONSES_EVENTS, unnamed: onChatChunk };
