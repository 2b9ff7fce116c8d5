import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { ProxyHandler } from '../../src/core/proxy/proxy-server.ts';
import type { BodySink, ResponseBody, Upstream, UpstreamRequest, UpstreamResponse, UpstreamTimeouts } from '../../src/core/proxy/upstream-client.ts';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Runs one request through a port's pipeline in-process, as Hono's `app.request` does: a request and
 * a response in memory (node's own classes, with a socket that never connects), no network at all.
 */
export async function inProcess(
  handler: ProxyHandler,
  request: { method?: string; path?: string; headers?: Record<string, string>; body?: unknown },
): Promise<Answer> {
  const req = new IncomingMessage(new Socket());
  const body = request.body === undefined ? null : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  req.method = request.method ?? 'POST';
  req.url = request.path ?? '/v1/messages';
  req.headers = {
    host: '127.0.0.1:0',
    ...(body !== null ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...request.headers,
  };
  if (body !== null) req.push(body);
  req.push(null);
  const res = new ServerResponse(req);
  await handler(req, res);
  // Without a socket, the response keeps what it would have written.
  const out = (res as unknown as { outputData: Array<{ data: string | Buffer; encoding?: BufferEncoding }> }).outputData;
  const raw = Buffer.concat(out.map((d) => (typeof d.data === 'string' ? Buffer.from(d.data, d.encoding ?? 'latin1') : d.data))).toString('utf8');
  const split = raw.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let text = raw.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') text = unchunk(text);
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text };
}

function unchunk(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, end), 16);
    if (!size) return out;
    out += text.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
}

class FixedBody implements ResponseBody {
  destroyed = false;
  constructor(private readonly bytes: Buffer) {}
  read(sink: BodySink): void {
    queueMicrotask(() => {
      sink.data(this.bytes);
      sink.end();
    });
  }
  readAll(): Promise<Buffer> {
    return Promise.resolve(this.bytes);
  }
  pause(): void {}
  resume(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An upstream that answers from a script, in order (then 200s), and keeps every call it got. */
export class ScriptedUpstream implements Upstream {
  readonly calls: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  readonly timeouts: UpstreamTimeouts = { connectMs: 1000, headersMs: 1000, streamIdleMs: 1000 };

  constructor(private readonly script: Array<ScriptedAnswer | Error> = []) {}

  async send(url: string, req: UpstreamRequest): Promise<UpstreamResponse> {
    this.calls.push({ url, headers: req.headers, body: req.body?.toString('utf8') ?? '' });
    const next = this.script.shift() ?? {
      status: 200,
      body: { type: 'message', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } },
    };
    if (next instanceof Error) throw next;
    const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? {});
    return { statusCode: next.status, headers: { 'content-type': 'application/json', ...next.headers }, body: new FixedBody(Buffer.from(text)) };
  }

  async destroy(): Promise<void> {}
}
