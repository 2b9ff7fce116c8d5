import { performance } from 'node:perf_hooks';
import type { EventBus } from '../../events.ts';
import type { RequestContext, Stage } from '../context.ts';
import { buildClientHeaders, buildUpstreamHeaders, isPlainEventStream } from '../headers.ts';
import { sendError } from '../respond.ts';
import { classifyUpstreamError } from '../upstream-errors.ts';
import type { UpstreamClient } from '../upstream-client.ts';
import { joinUpstreamUrl, originOf } from '../url.ts';
import { ResponseTap } from '../../usage/response-tap.ts';

/**
 * Sends the request to the chosen upstream and relays the answer: status and headers at once
 * (flushed, so the client's header timer starts), then every body chunk the moment it arrives, with
 * back-pressure (a slow client pauses the upstream read instead of growing memory). Upstream error
 * bodies pass through unchanged: Claude Code matches their wording to recover.
 */
export function forward(client: UpstreamClient, events: EventBus, captureBytes: number): Stage {
  return async (ctx) => {
    const config = ctx.config!;
    const url = joinUpstreamUrl(config.baseUrl, ctx.req.url ?? '/');
    events.emit('request:start', {
      id: ctx.id,
      service: ctx.service,
      config: config.name,
      method: ctx.req.method ?? 'GET',
      path: ctx.path,
      model: ctx.modelSent ?? ctx.facts?.model ?? null,
      stream: ctx.stream,
      startedAt: ctx.startedAt,
      bytesIn: ctx.bytesIn,
    });

    let upstream;
    try {
      upstream = await client.send(url, {
        method: ctx.req.method ?? 'GET',
        headers: buildUpstreamHeaders(ctx.req.headers, config),
        body: ctx.upstreamBody ?? ctx.body,
        signal: ctx.abort.signal,
      });
    } catch (err) {
      if (ctx.abort.signal.aborted) {
        ctx.errorCode = 'client_aborted';
        return;
      }
      const failure = classifyUpstreamError(err, client.timeouts);
      sendError(ctx, failure.status, failure.code, `upstream "${config.name}" (${originOf(config.baseUrl)}): ${failure.reason}`);
      return;
    }

    ctx.status = upstream.statusCode;
    ctx.responseHeaders = upstream.headers;
    ctx.tap = new ResponseTap(upstream.headers, { captureBytes });
    const headers = buildClientHeaders(upstream.headers);
    headers['x-clp-request-id'] = ctx.id;
    const sse = isPlainEventStream(upstream.headers);
    ctx.res.writeHead(upstream.statusCode, headers);
    ctx.res.flushHeaders();
    await relayBody(ctx, upstream.body, sse, events, client, config.name, config.baseUrl);
  };
}

function relayBody(
  ctx: RequestContext,
  body: NodeJS.ReadableStream & { destroy(err?: Error): void },
  sse: boolean,
  events: EventBus,
  client: UpstreamClient,
  configName: string,
  baseUrl: string,
): Promise<void> {
  const res = ctx.res;
  return new Promise<void>((resolve) => {
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      res.off('drain', onDrain);
      resolve();
    };
    const onDrain = () => body.resume();
    res.on('drain', onDrain);
    body.on('data', (chunk: Buffer) => {
      if (ctx.ttfbMs === null) {
        ctx.ttfbMs = performance.now() - ctx.t0;
        events.emit('request:first-byte', { id: ctx.id, service: ctx.service, ttfbMs: ctx.ttfbMs });
      }
      ctx.bytesOut += chunk.length;
      const more = res.write(chunk);
      ctx.tap!.write(chunk);
      if (!more) body.pause();
    });
    body.on('end', () => {
      res.end();
      done();
    });
    body.on('error', (err) => {
      if (ctx.abort.signal.aborted || res.destroyed) {
        ctx.errorCode ??= 'client_aborted';
        return done();
      }
      const failure = classifyUpstreamError(err, client.timeouts);
      sendError(ctx, failure.status, failure.code, `upstream "${configName}" (${originOf(baseUrl)}): ${failure.reason}`, sse);
      done();
    });
    res.on('close', () => {
      if (!res.writableEnded) {
        ctx.errorCode ??= 'client_aborted';
        body.destroy();
      }
      done();
    });
  });
}
