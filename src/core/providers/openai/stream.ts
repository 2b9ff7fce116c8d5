import { parseEventData, type StreamEventHandler, type StreamState } from '../stream-state.ts';

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
  if (response.usage && typeof response.usage === 'object') s.responses = response.usage as Obj;
  if (type === 'response.completed') s.completed = true;
  else if (type === 'response.failed') s.streamError = String((response.error as Obj | null)?.code ?? 'response.failed');
  else s.streamError = `incomplete:${String((response.incomplete_details as Obj | null)?.reason ?? '')}`;
};

/** The Responses stream's events that matter: the model early, usage and the outcome at the end. */
export const RESPONSES_STREAM_EVENTS: Readonly<Record<string, StreamEventHandler>> = {
  'response.created': responseModel,
  'response.in_progress': responseModel,
  'response.completed': responseEnd,
  'response.failed': responseEnd,
  'response.incomplete': responseEnd,
};

/** A Chat Completions chunk (unnamed events): `[DONE]` ends the stream, the last `usage` counts. */
export function onChatChunk(s: StreamState, data: string): void {
  if (data === '[DONE]') {
    s.completed = true;
    return;
  }
  if (!data.includes('"usage"')) return;
  const chunk = parseEventData(data);
  if (chunk?.usage && typeof chunk.usage === 'object') s.chat = chunk.usage as Obj;
  if (chunk && typeof chunk.model === 'string') s.model = chunk.model;
}
