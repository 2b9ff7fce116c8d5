import type { ErrorShape } from '../src/shared/errors.ts';
import { DidChangeState, DidEndRequest, DidStartRequest, type HostMessage, type PageMessage } from '../src/shared/protocol.ts';

/**
 * How the page reaches its host: VS Code's postMessage inside the editor, HTTP and server-sent
 * events on :3300 in a browser. Everything above this file is the same in both.
 */
export interface Transport {
  request(method: string, params: unknown): Promise<unknown>;
  /** Notifications as they come, and a call to re-read everything after the feed was lost. */
  listen(onNotify: (method: string, payload: unknown) => void, onResync: () => void): void;
}

export class HostError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NOTIFICATIONS = [DidStartRequest.method, DidEndRequest.method, DidChangeState.method];

export class HttpTransport implements Transport {
  constructor(private readonly token: string) {}

  async request(method: string, params: unknown): Promise<unknown> {
    const res = await fetch(`/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-clp-token': this.token },
      body: JSON.stringify(params ?? {}),
    });
    const body = (await res.json().catch(() => ({ code: 'internal', message: `HTTP ${res.status}` }))) as unknown;
    if (!res.ok) {
      const e = body as ErrorShape;
      throw new HostError(e.code, e.message);
    }
    return body;
  }

  listen(onNotify: (method: string, payload: unknown) => void, onResync: () => void): void {
    const source = new EventSource(`/api/events?token=${encodeURIComponent(this.token)}`);
    // EventSource reconnects by itself; each `hello` is a fresh connection, so events may have been missed.
    let first = true;
    source.addEventListener('hello', () => {
      if (!first) onResync();
      first = false;
    });
    for (const method of NOTIFICATIONS) source.addEventListener(method, (e) => onNotify(method, JSON.parse((e as MessageEvent<string>).data)));
  }
}

interface VsCodeApi {
  postMessage(message: PageMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export function inVsCode(): boolean {
  return typeof (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi === 'function';
}

export class VsCodeTransport implements Transport {
  private readonly api = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private onNotify: (method: string, payload: unknown) => void = () => undefined;
  private onResync: () => void = () => undefined;

  constructor() {
    window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
      const m = event.data;
      if (m.kind === 'response') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(new HostError(m.error.code, m.error.message));
      } else if (m.kind === 'notify') this.onNotify(m.method, m.payload);
      else if (m.kind === 'resync') this.onResync();
    });
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.api.postMessage({ kind: 'request', id, method, params });
    });
  }

  listen(onNotify: (method: string, payload: unknown) => void, onResync: () => void): void {
    this.onNotify = onNotify;
    this.onResync = onResync;
  }
}
