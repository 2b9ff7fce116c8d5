import type { Usage } from '../../shared/usage.ts';

type Obj = Record<string, unknown>;

/** What one response stream said so far, as each API's event handlers fill it in. */
export interface StreamState {
  /**
   * The usage seen so far, in the API's own shape (Anthropic's merged event by event, the last one
   * otherwise), read by `readUsage` once the stream is over. A grammar may keep the raw event here
   * and parse it only then, when its every event carries usage.
   */
  usage: Obj | null;
  /** How `usage` reads: set by the grammar that set it. */
  readUsage: ((raw: Obj) => Usage | null) | null;
  model: string | null;
  /** The error an upstream put inside a 200 stream (`overloaded_error`, a `response.failed` code). */
  streamError: string | null;
  /** True once the stream said it was complete (`message_stop`, `response.completed`, `[DONE]`, a `finishReason`). */
  completed: boolean;
}

/** Reads one event's data into the state; only events that can carry usage, a model or the end have one. */
export type StreamEventHandler = (state: StreamState, data: string, type: string) => void;

/** One API's stream, as far as the log cares: its named events, and how it reads unnamed ones. */
export interface StreamGrammar {
  /** Events by name (the `event:` line, or the data's leading `"type"` when a relay drops the line). */
  readonly events: Readonly<Record<string, StreamEventHandler>>;
  /**
   * An event with neither (Chat Completions chunks, Gemini's): offered to each grammar in turn;
   * true when this one took it.
   */
  readonly unnamed: ((state: StreamState, data: string) => boolean) | null;
}

/** A usage object's shape: which API it is from, by its own field names (relays mix dialects). */
export interface UsageShape {
  /** Lower is tried first (field names overlap: Responses before Anthropic). */
  readonly precedence: number;
  matches(raw: Obj): boolean;
  read(raw: Obj): Usage;
}

/** JSON data of an event, or null (`[DONE]` and other non-JSON data). */
export function parseEventData(data: string): Obj | null {
  try {
    const v = JSON.parse(data);
    return v && typeof v === 'object' ? (v as Obj) : null;
  } catch {
    return null;
  }
}
