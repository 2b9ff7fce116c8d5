type Obj = Record<string, unknown>;

/** What one response stream said so far, as each API's event handlers fill it in. */
export interface StreamState {
  /** Anthropic usage, merged event by event (one fixed shape). */
  anthropic: Obj | null;
  /** Responses usage, from the final event. */
  responses: Obj | null;
  /** Chat Completions usage, the last chunk's. */
  chat: Obj | null;
  model: string | null;
  /** The error an upstream put inside a 200 stream (`overloaded_error`, a `response.failed` code). */
  streamError: string | null;
  /** True once the stream said it was complete (`message_stop`, `response.completed`, `[DONE]`). */
  completed: boolean;
}

/** Reads one event's data into the state; only events that can carry usage, a model or the end have one. */
export type StreamEventHandler = (state: StreamState, data: string, type: string) => void;

/** JSON data of an event, or null (`[DONE]` and other non-JSON data). */
export function parseEventData(data: string): Obj | null {
  try {
    const v = JSON.parse(data);
    return v && typeof v === 'object' ? (v as Obj) : null;
  } catch {
    return null;
  }
}
