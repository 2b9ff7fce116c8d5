import { request } from 'undici';
import { ClpError, type ErrorShape } from '../shared/errors.ts';
import type { AnyRequest, ParamsOf, ResultOf } from '../shared/protocol.ts';
import type { StatusReport } from '../shared/status.ts';
import { SseDecoder } from '../core/usage/sse-decoder.ts';

/**
 * How a window talks to whoever owns the ports, itself included: the dashboard protocol over
 * loopback HTTP, and its live feed as server-sent events. Using one path whether this window owns or
 * attaches means nothing behaves differently after a takeover. No `vscode` here, so it is tested
 * without an editor.
 */
export class OwnerLink {
  constructor(
    readonly base: string,
    private readonly token: () => Promise<string | null>,
  ) {}

  /** The owner's status, or null when nothing (or something that is not CLP) answers. */
  async probe(timeoutMs = 1500): Promise<StatusReport | null> {
    try {
      const res = await request(`${this.base}/api/status`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
      const body = (await res.body.json()) as StatusReport;
      return res.statusCode === 200 && body?.owner && typeof body.owner.pid === 'number' ? body : null;
    } catch {
      return null;
    }
  }

  async call<T extends AnyRequest>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>> {
    return (await this.callMethod(type.method, params)) as ResultOf<T>;
  }

  /** Untyped, for the webview bridge: the owner validates the params either way. */
  async callMethod(method: string, params: unknown): Promise<unknown> {
    const token = await this.token();
    if (!token) throw new ClpError('not_running', 'CLP has no dashboard token yet (is it running?)');
    let res;
    try {
      res = await request(`${this.base}/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clp-token': token },
        body: JSON.stringify(params ?? {}),
        headersTimeout: 60_000,
      });
    } catch (err) {
      throw new ClpError('not_running', `CLP does not answer on ${this.base}: ${(err as Error).message}`);
    }
    const body = (await res.body.json().catch(() => ({ code: 'internal', message: `HTTP ${res.statusCode}` }))) as unknown;
    if (res.statusCode !== 200) {
      const e = body as ErrorShape;
      throw new ClpError(e.code, e.message);
    }
    return body;
  }

  /**
   * Follows the live feed until `signal` aborts; reconnects after a drop and calls `onResync` then,
   * because events may have been missed meanwhile.
   */
  async follow(onEvent: (method: string, payload: unknown) => void, onResync: () => void, signal: AbortSignal): Promise<void> {
    let first = true;
    while (!signal.aborted) {
      try {
        const token = await this.token();
        const res = await request(`${this.base}/api/events?token=${token ?? ''}`, { signal, bodyTimeout: 60_000 });
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        if (!first) onResync();
        first = false;
        const decoder = new SseDecoder();
        for await (const chunk of res.body) {
          decoder.push(chunk as Buffer, (e) => {
            if (e.event && e.event !== 'hello') onEvent(e.event, JSON.parse(e.data));
          });
        }
      } catch {
        // Dropped, or the owner is changing hands: wait a moment and follow again.
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
      first = false;
    }
  }
}
