import type { ErrorShape } from '../src/shared/errors.ts';
import { DidChangeState, DidEndRequest, DidStartRequest, type HostMessage, type PageMessage } from '../src/shared/protocol.ts';
import { hmacHex, randomHex } from './hmac.ts';

/**
 * How the page reaches its host: VS Code's postMessage inside the editor, HTTP and server-sent
 * events on :3300 in a browser. Everything above this file is the same in both.
 */
export interface Transport {
  request(method: string, params: unknown): Promise<unknown>;
  /** Notifications as they come, and a call to re-read everything after the feed was lost. */
  listen(onNotify: (method: string, payload: unknown) => void, onResync: () => void): void;
  /**
   * Whether CLP answers: `up`; `down` (nothing answers, or not in time); `locked` (a CLP answers that
   * does not know this page's key). Checked every moment by the shell.
   */
  check(timeoutMs: number): Promise<'up' | 'down' | 'locked'>;
}

export class HostError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fired on the window when the transport lost CLP (the live feed broke, a call failed). */
export const LOST_EVENT = 'clp-lost';

const NOTIFICATIONS = [DidStartRequest.method, DidEndRequest.method, DidChangeState.method];

/**
 * Over HTTP, the page holds the owner's token. Once CLP stops answering, the token is not sent again
 * until whoever answers proves it is CLP (a program squatting on the port while CLP is down learns
 * nothing); a CLP restarted with a new token gives it to this page when the page proves it knew the
 * last one, so the page comes back by itself.
 */
export class HttpTransport implements Transport {
  private verified = true;
  private source: EventSource | null = null;
  private onNotify: (method: string, payload: unknown) => void = () => undefined;
  private onResync: () => void = () => undefined;

  constructor(
    private token: string,
    /** Keeps a new token for this tab (after a restart of CLP). */
    private readonly keep: (token: string) => void = () => undefined,
  ) {}

  async request(method: string, params: unknown): Promise<unknown> {
    if (!this.verified) throw new HostError('not_running', 'CLP is not reachable: retrying');
    let res: Response;
    try {
      res = await fetch(`/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clp-token': this.token },
        body: JSON.stringify(params ?? {}),
      });
    } catch (err) {
      this.lost();
      throw err;
    }
    const body = (await res.json().catch(() => ({ code: 'internal', message: `HTTP ${res.status}` }))) as unknown;
    if (!res.ok) {
      const e = body as ErrorShape;
      if (res.status === 401) this.lost();
      throw new HostError(e.code, e.message);
    }
    return body;
  }

  /** CLP went away (or changed): no more token on the wire until it proves itself again. */
  private lost(): void {
    const was = this.verified;
    this.verified = false;
    this.source?.close();
    this.source = null;
    // The shell checks at once rather than at its next beat: a stopped CLP is said within moments.
    if (was) window.dispatchEvent(new Event(LOST_EVENT));
  }

  async check(timeoutMs: number): Promise<'up' | 'down' | 'locked'> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      if (this.verified) {
        const res = await fetch('/api/rpc/owner/status', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-clp-token': this.token },
          body: '{}',
          signal,
        });
        if (res.ok) return 'up';
        this.lost();
        return res.status === 401 ? this.reconnect(signal) : 'down';
      }
      return await this.reconnect(signal);
    } catch {
      this.lost();
      return 'down';
    }
  }

  /** Proves who answers before the token goes out again; trades a last owner's token for the new one. */
  private async reconnect(signal: AbortSignal): Promise<'up' | 'down' | 'locked'> {
    const post = (path: string, body: unknown) =>
      fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
    const nonce = randomHex(24);
    const auth = await post('/api/auth', { nonce });
    if (!auth.ok) return 'down';
    const { proof } = (await auth.json()) as { proof?: string };
    if (proof === (await hmacHex(this.token, `clp-owner-proof\n${nonce}`))) return this.resume();
    const ask = randomHex(24);
    const rekey = await post('/api/rekey', { nonce: ask, proof: await hmacHex(this.token, `clp-rekey-ask\n${ask}`) });
    if (!rekey.ok) return 'locked';
    const answer = (await rekey.json()) as { token?: string; proof?: string };
    if (typeof answer.token !== 'string' || !/^[0-9a-f]{64}$/.test(answer.token)) return 'locked';
    if (answer.proof !== (await hmacHex(this.token, `clp-rekey-answer\n${ask}\n${answer.token}`))) return 'locked';
    this.token = answer.token;
    this.keep(answer.token);
    return this.resume();
  }

  private resume(): 'up' {
    this.verified = true;
    this.follow(false);
    return 'up';
  }

  listen(onNotify: (method: string, payload: unknown) => void, onResync: () => void): void {
    this.onNotify = onNotify;
    this.onResync = onResync;
    this.follow(true);
  }

  private follow(first: boolean): void {
    this.source?.close();
    const source = new EventSource(`/api/events?token=${encodeURIComponent(this.token)}`);
    this.source = source;
    // EventSource reconnects by itself: only while CLP is known to be there (see `lost`). Each
    // `hello` after the first is a fresh connection, so events may have been missed.
    let fresh = first;
    source.addEventListener('hello', () => {
      if (!fresh) this.onResync();
      fresh = false;
    });
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.OPEN) this.lost();
    });
    for (const method of NOTIFICATIONS) source.addEventListener(method, (e) => this.onNotify(method, JSON.parse((e as MessageEvent<string>).data)));
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

  /** The extension's owner link does the proving; the page only asks whether it gets through. */
  async check(timeoutMs: number): Promise<'up' | 'down' | 'locked'> {
    try {
      await Promise.race([this.request('owner/status', {}), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in time')), timeoutMs))]);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
