import type { RequestRecord } from '../shared/records.ts';
import type { ServiceName } from '../shared/services.ts';
import type { ConfigFileState } from '../shared/status.ts';

export interface RequestStarted {
  id: string;
  service: ServiceName;
  config: string | null;
  method: string;
  path: string;
  model: string | null;
  stream: boolean;
  /** Epoch milliseconds. */
  startedAt: number;
  bytesIn: number;
}

/** What the request log keeps besides the record; bodies are raw here and capped by the recorder. */
export interface RequestDetailParts {
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody: Buffer | null;
  upstreamBody: Buffer | null;
  responseBody: Buffer;
  responseTruncated: boolean;
}

export interface RequestFinished {
  record: RequestRecord;
  /**
   * Whether the log keeps this request's headers and bodies, decided when it started (past the log's
   * rate it does not, and its response is never captured).
   */
  bodies: boolean;
  /**
   * Builds the detail parts: called at most once, by the request log, and only when it keeps this
   * request's bodies (past its rate it does not, and none of this work is done).
   */
  detail: () => RequestDetailParts;
}

export interface CoreEvents {
  'request:start': RequestStarted;
  'request:end': RequestFinished;
  'config:change': { service: ServiceName; state: ConfigFileState; active: string | null };
}

type Listener<T> = (payload: T) => void;

/**
 * The in-process feed later layers (usage store, dashboard, status bar) subscribe to. Listeners run
 * synchronously on the request path, so they must only queue work; one that throws is isolated.
 */
export class EventBus {
  private readonly listeners = new Map<keyof CoreEvents, Set<Listener<never>>>();

  on<K extends keyof CoreEvents>(event: K, listener: Listener<CoreEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<CoreEvents[K]>)(payload);
      } catch {
        // A broken subscriber must never break a user's stream.
      }
    }
  }
}
