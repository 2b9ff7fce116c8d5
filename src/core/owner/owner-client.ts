import { ClpError, type ErrorShape } from '../../shared/errors.ts';
import { OwnerStatus, type AnyRequest, type ParamsOf, type ResultOf } from '../../shared/protocol.ts';
import type { OwnerPing, StatusReport } from '../../shared/status.ts';
import { hostForUrl } from '../net.ts';
import { SseDecoder } from '../usage/sse-decoder.ts';
import { httpCall, readJson } from './http-call.ts';
import { newNonce, proofMatches, readToken } from './token.ts';

/** What is on the dashboard port, as far as a client can tell. */
export type OwnerProbe =
  | { kind: 'none' }
  /** Something answers, but it is not CLP or cannot prove it holds this install's token. */
  | { kind: 'foreign'; message: string }
  | { kind: 'owner'; status: StatusReport };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The one way to talk to whoever owns the ports, for the CLI and every VS Code window alike: the
 * dashboard protocol (`POST /api/rpc/<method>`) and its live feed. Before anything secret is sent
 * (the token, a typed-in key) the owner must answer a fresh challenge with an HMAC of the token, so
 * a program that grabbed the port while CLP was down learns nothing.
 */
export class OwnerClient {
  readonly base: string;

  constructor(
    host: string,
    readonly port: number,
    private readonly runDir: string,
  ) {
    this.base = `http://${hostForUrl(host)}:${port}`;
  }

  /** The unauthenticated liveness answer: CLP, its version and pid, or null. */
  async ping(timeoutMs = 1500): Promise<OwnerPing | null> {
    try {
      const res = await httpCall(`${this.base}/api/status`, { timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
      const body = (await readJson(res)) as Partial<OwnerPing> | null;
      return res.statusCode === 200 && body?.clp === true && typeof body.pid === 'number' ? (body as OwnerPing) : null;
    } catch {
      return null;
    }
  }

  /** Whether CLP owns the port, and its full status once it has proved itself. */
  async probe(timeoutMs = 1500): Promise<OwnerProbe> {
    const ping = await this.ping(timeoutMs);
    if (!ping)
      return (await this.answers(timeoutMs)) ? { kind: 'foreign', message: `port ${this.port} is held by a program that is not CLP` } : { kind: 'none' };
    try {
      return { kind: 'owner', status: await this.call(OwnerStatus, {}) };
    } catch (err) {
      if (ClpError.is(err, 'owner_unverified')) return { kind: 'foreign', message: err.message };
      if (ClpError.is(err, 'not_running')) return { kind: 'none' };
      throw err;
    }
  }

  /** The token, once the owner has proved that it holds it too. */
  async verifiedToken(): Promise<string> {
    // An owner that has just bound its port writes its new token a moment later: one retry covers it.
    for (let attempt = 0; ; attempt++) {
      const token = await readToken(this.runDir);
      if (!token) {
        if (attempt < 1) {
          await sleep(200);
          continue;
        }
        throw new ClpError('not_running', `CLP is not running: start it with \`clp start\` (no token in ${this.runDir}; or is it running as another user?)`);
      }
      const nonce = newNonce();
      let proof: unknown;
      try {
        const res = await httpCall(`${this.base}/api/auth`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ nonce }),
          timeoutMs: 5000,
        });
        proof = ((await readJson(res)) as { proof?: unknown } | null)?.proof;
      } catch {
        throw new ClpError('not_running', `CLP is not running: start it with \`clp start\` (nothing answers on ${this.base})`);
      }
      if (proofMatches(token, nonce, proof)) return token;
      if (attempt >= 1) {
        throw new ClpError(
          'owner_unverified',
          `the program on port ${this.port} did not prove it is this CLP (nothing was sent to it); stop it or change ports.ui`,
        );
      }
      await sleep(200);
    }
  }

  async call<T extends AnyRequest>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>> {
    return (await this.callMethod(type.method, params)) as ResultOf<T>;
  }

  /** Untyped, for the webview bridge: the owner validates the params either way. */
  async callMethod(method: string, params: unknown): Promise<unknown> {
    const token = await this.verifiedToken();
    let status: number;
    let body: unknown;
    try {
      const res = await httpCall(`${this.base}/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clp-token': token },
        body: JSON.stringify(params ?? {}),
        timeoutMs: 60_000,
      });
      status = res.statusCode ?? 0;
      body = await readJson(res);
    } catch (err) {
      throw new ClpError('not_running', `CLP does not answer on ${this.base}: ${(err as Error).message}`);
    }
    if (status !== 200) {
      const e = body as Partial<ErrorShape> | null;
      throw new ClpError(e?.code ?? 'internal', e?.message ?? `HTTP ${status}`);
    }
    return body;
  }

  /**
   * Follows the live feed until `signal` aborts; reconnects after a drop and calls `onResync` then,
   * because events may have been missed meanwhile. `onOpen` is told each time the feed is connected,
   * the first time too: what ended before that is not in the feed, but is in the log by then.
   */
  async follow(onEvent: (method: string, payload: unknown) => void, onResync: () => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    let first = true;
    while (!signal.aborted) {
      try {
        const token = await this.verifiedToken();
        const res = await httpCall(`${this.base}/api/events`, { signal, timeoutMs: 60_000, headers: { 'x-clp-token': token } });
        if (res.statusCode !== 200) {
          res.destroy();
          throw new Error(`HTTP ${res.statusCode}`);
        }
        onOpen?.();
        if (!first) onResync();
        first = false;
        const decoder = new SseDecoder();
        for await (const chunk of res) {
          decoder.push(chunk as Buffer, (e) => {
            if (e.event && e.event !== 'hello') onEvent(e.event, JSON.parse(e.data));
          });
        }
      } catch {
        // Dropped, or the owner is changing hands: wait a moment and follow again.
      }
      if (!signal.aborted) await sleep(1000);
      first = false;
    }
  }

  /** Whether anything at all accepts HTTP on the port. */
  private async answers(timeoutMs: number): Promise<boolean> {
    try {
      const res = await httpCall(`${this.base}/`, { method: 'HEAD', timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
      res.resume();
      return true;
    } catch {
      return false;
    }
  }
}
