import { Agent, type Dispatcher } from 'undici';
import type { Cancel } from './cancel.ts';

export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  streamIdleMs: number;
}

export interface UpstreamRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  cancel: Cancel;
}

/** Where a body's chunks go once somebody reads it. */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** A response body as the relay reads it (undici's, or a test's fake). */
export interface ResponseBody {
  /** Starts delivering the body to `sink` (chunks that came before, first). */
  read(sink: BodySink): void;
  readAll(cap?: number, deadlineMs?: number): Promise<Buffer>;
  pause(): void;
  resume(): void;
  /** Stops the upstream call (the client went away, or the body is not wanted). */
  destroy(): void;
}

/** How the proxy calls an upstream: undici in CLP, a scripted fake in in-process tests. */
export interface Upstream {
  readonly timeouts: UpstreamTimeouts;
  send(url: string, req: UpstreamRequest): Promise<UpstreamResponse>;
  destroy(): Promise<void>;
}

/**
 * An upstream response body, straight from undici's dispatch callbacks: no stream object, no promise
 * per chunk. Chunks that arrive before the reader attaches (they can come in the same tick as the
 * headers) wait in a queue; `pause`/`resume` stop and restart reading the upstream socket.
 */
export class UpstreamBody implements ResponseBody {
  private queue: Buffer[] = [];
  private ended = false;
  private failed: Error | null = null;
  private sink: BodySink | null = null;

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  /** @internal the dispatch handler's side */
  push(chunk: Buffer): void {
    if (this.sink) this.sink.data(chunk);
    else this.queue.push(chunk);
  }

  /** @internal */
  finish(): void {
    this.ended = true;
    this.sink?.end();
  }

  /** @internal */
  fail(err: Error): void {
    if (this.ended || this.failed) return;
    this.failed = err;
    this.sink?.error(err);
  }

  /** Starts delivering the body to `sink` (queued chunks first). */
  read(sink: BodySink): void {
    this.sink = sink;
    const queued = this.queue;
    this.queue = [];
    for (const chunk of queued) sink.data(chunk);
    if (this.failed) sink.error(this.failed);
    else if (this.ended) sink.end();
  }

  /**
   * The whole body, keeping at most `cap` bytes (an error body the proxy must look at). A body still
   * unfinished after `deadlineMs` is cut there and what came is returned: an error answer that
   * stalls must not hold the request for the whole stream idle timeout.
   */
  readAll(cap = 256 * 1024, deadlineMs = 10_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        this.destroy();
        resolve(Buffer.concat(chunks));
      }, deadlineMs);
      timer.unref();
      this.read({
        data: (chunk) => {
          if (size < cap) chunks.push(chunk);
          size += chunk.length;
        },
        end: () => {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks));
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  pause(): void {
    this.controller.pause();
  }

  resume(): void {
    this.controller.resume();
  }

  /** Stops the upstream call (the client went away, or the body is not wanted). */
  destroy(): void {
    if (!this.ended && !this.failed) this.controller.abort(new Error('the response body was not wanted'));
  }
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
}

/** Splits `scheme://host[:port]/path?query` into the origin and the rest, without a URL object. */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/**
 * The one way CLP calls upstreams. undici's Agent keeps a keep-alive pool per origin; requests go
 * through `dispatch` with plain callbacks (much less CPU than `request()`, which wraps each body in
 * a Readable). The body is handed back exactly as it came off the wire, compressed or not, so it is
 * relayed with its encoding headers intact and never mislabelled (the original tool decompressed
 * bodies and still sent their `content-encoding`, which broke its clients' gzip decoding).
 */
export class UpstreamClient implements Upstream {
  private readonly agent: Agent;

  constructor(readonly timeouts: UpstreamTimeouts) {
    this.agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.streamIdleMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 300_000,
    });
  }

  send(url: string, req: UpstreamRequest): Promise<UpstreamResponse> {
    const { origin, path } = splitUrl(url);
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const cancel = req.cancel;
      if (cancel.reason) return reject(cancel.reason);
      let controller: Dispatcher.DispatchController | null = null;
      let body: UpstreamBody | null = null;
      const done = cancel.onCancel((reason) => controller?.abort(reason));
      this.agent.dispatch(
        { origin, path, method: req.method as Dispatcher.HttpMethod, headers: req.headers, body: req.body ?? undefined },
        {
          onRequestStart(c) {
            controller = c;
            if (cancel.reason) c.abort(cancel.reason);
          },
          onResponseStart(c, statusCode, headers) {
            if (statusCode < 200) return; // 1xx: informational, the real answer follows
            body = new UpstreamBody(c);
            resolve({ statusCode, headers, body });
          },
          onResponseData(_c, chunk) {
            body?.push(chunk);
          },
          onResponseEnd() {
            done();
            body?.finish();
          },
          onResponseError(_c, err) {
            done();
            if (body) body.fail(err);
            else reject(err);
          },
        },
      );
    });
  }

  destroy(): Promise<void> {
    return this.agent.destroy();
  }
}
