// The benchmark's fake Anthropic upstream, in a process of its own: as fast as it can be, recording
// nothing. POST /v1/messages answers a small JSON message, or (body "stream": true) the real SSE
// sequence; `x-bench-gap-ms` spaces the events, to prove the proxy relays them as they come.
import { createServer } from 'node:http';
import { anthropicMessage, anthropicStreamFrames } from '../fixtures/anthropic.ts';

const port = Number(process.argv[2] ?? 0);
const message = Buffer.from(JSON.stringify(anthropicMessage('claude-sonnet-4-5', 'Hello from the bench upstream')));
/** Streams of 8 deltas, or as many as `x-bench-deltas` asks (Claude Code's answers carry hundreds). */
const streams = new Map<number, Buffer[]>();
const framesOf = (deltas: number): Buffer[] => {
  let frames = streams.get(deltas);
  if (!frames) {
    frames = anthropicStreamFrames(
      'claude-sonnet-4-5',
      'Hello from the bench upstream, streaming a few events. '.repeat(Math.ceil(deltas / 4)),
      undefined,
      deltas,
    ).map((f) => Buffer.from(f));
    streams.set(deltas, frames);
  }
  return frames;
};

const server = createServer((req, res) => {
  let stream = false;
  let seen = 0;
  req.on('data', (c: Buffer) => {
    // Only the start of the body is looked at: the bench sends `"stream":true` first.
    if (seen < 64) stream ||= c.subarray(0, 64).includes('"stream":true');
    seen += c.length;
  });
  req.on('end', () => {
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': message.length, 'request-id': 'req_bench' });
      res.end(message);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const gap = Number(req.headers['x-bench-gap-ms'] ?? 0);
    const frames = framesOf(Number(req.headers['x-bench-deltas'] ?? 8));
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i === frames.length) return void res.end();
      res.write(frames[i++]);
      if (gap) setTimeout(next, gap);
      else next();
    };
    next();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`);
});
