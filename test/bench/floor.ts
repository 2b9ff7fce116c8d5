// The floor: the least a Node proxy can do. node:http in, undici out (keep-alive pool), the body read
// whole and forwarded, the response piped back. Nothing else: no parsing, no logging, no failover.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const [port, upstream] = [Number(process.argv[2] ?? 0), process.argv[3]!];
const agent = new Agent({ keepAliveTimeout: 30_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'te', 'trailer', 'proxy-connection', 'expect']);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    try {
      const up = await request(`${upstream}${req.url}`, {
        method: req.method as 'POST',
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        dispatcher: agent,
      });
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
      if (up.headers['content-length']) out['content-length'] = up.headers['content-length'] as string;
      res.writeHead(up.statusCode, out);
      res.flushHeaders();
      up.body.on('data', (c: Buffer) => {
        if (!res.write(c)) up.body.pause();
      });
      res.on('drain', () => up.body.resume());
      up.body.on('end', () => res.end());
      up.body.on('error', () => res.destroy());
      res.on('close', () => up.body.destroy());
    } catch {
      res.writeHead(502).end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
