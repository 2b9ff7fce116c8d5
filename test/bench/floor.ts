// The floor: the best a bare Node proxy does, with the plumbing CLP itself uses. node:http in;
// undici's Agent.dispatch out with plain callbacks (no Readable, no promise per chunk) and a
// keep-alive pool; the request body read whole and forwarded; the response relayed chunk by chunk
// with back-pressure, and aborted when the client goes away. Nothing else: no parsing, no logging,
// no failover.
import { createServer } from 'node:http';
import { Agent, type Dispatcher } from 'undici';

const [port, upstream] = [Number(process.argv[2] ?? 0), process.argv[3]!];
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'te', 'trailer', 'proxy-connection', 'expect']);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const headers: Record<string, string> = {};
    for (const k in req.headers) {
      const v = req.headers[k];
      if (v !== undefined && !HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    let controller: Dispatcher.DispatchController | null = null;
    res.on('close', () => {
      if (!res.writableEnded) controller?.abort(new Error('client gone'));
    });
    res.on('drain', () => controller?.resume());
    agent.dispatch(
      { origin: upstream, path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers, body: chunks.length ? Buffer.concat(chunks) : undefined },
      {
        onRequestStart(c) {
          controller = c;
        },
        onResponseStart(_c, status, upHeaders) {
          const out: Record<string, string | string[]> = {};
          for (const k in upHeaders) {
            const v = upHeaders[k];
            if (v !== undefined && !HOP.has(k)) out[k] = v;
          }
          if (upHeaders['content-length']) out['content-length'] = upHeaders['content-length'] as string;
          res.writeHead(status, out);
        },
        onResponseData(c, chunk) {
          if (!res.write(chunk)) c.pause();
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError() {
          if (!res.headersSent) res.writeHead(502);
          res.destroy();
        },
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
