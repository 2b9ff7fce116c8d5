import { performance } from 'node:perf_hooks';
import type { UpstreamConfig } from '../../config/schema.ts';
import { SERVICE_PROFILE } from '../../../shared/service-profile.ts';
import { stripPart, stripSignedHistory } from '../../providers/signed-history.ts';
import type { EventBus } from '../../events.ts';
import { classifyStatus, classifyTransport, midStreamFailure, type Outcome } from '../../pool/classify.ts';
import type { Pool } from '../../pool/pool.ts';
import { ResponseTap } from '../../usage/response-tap.ts';
import type { RequestContext, Stage } from '../context.ts';
import { buildClientHeaders, buildUpstreamHeaders, isPlainEventStream } from '../headers.ts';
import { sendError, sendJson } from '../respond.ts';
import type { Upstream, UpstreamResponse } from '../upstream-client.ts';
import { classifyUpstreamError } from '../upstream-errors.ts';
import { joinUpstreamUrl, originOf } from '../url.ts';

export interface ForwardDeps {
  client: Upstream;
  events: EventBus;
  pool: Pool;
  captureBytes: number;
  now: () => number;
}

/**
 * Sends the request to its candidates in turn and relays the first answer that should reach the
 * client. Before any byte has gone to the client, a connect error, a header timeout, a 5xx, 429 or 529
 * sends the same request to the next candidate; 400/404/413 and the like pass straight through. After
 * the first byte, the stream is the client's: a failure becomes an in-stream error. Upstream error
 * bodies are relayed unchanged (Claude Code matches their wording to recover).
 */
export function forward(deps: ForwardDeps): Stage {
  return async (ctx) => {
    const candidates = ctx.candidates;
    const previous = deps.pool.lastUpstream(ctx.service, ctx.sessionId);
    let started = false;
    let signatureRetried = false;
    const failures: string[] = [];

    for (let i = 0; i < candidates.length; i++) {
      const config = candidates[i]!;
      const last = i === candidates.length - 1;
      ctx.config = config;
      let body = ctx.body?.outgoing ?? null;
      // Thinking signatures and encrypted reasoning only verify at the upstream that made them: when a
      // conversation moves (a switch, a failover), its earlier turns go without them.
      if (body && previous && previous !== config.name) {
        const stripped = stripSignedHistory(body, ctx.provider);
        if (stripped) {
          body = stripped.body;
          ctx.trace.push({ kind: 'strip', removed: stripped.removed, reason: `session moved from "${previous}" to "${config.name}"` });
        }
      }
      // Tool search only where the config serves it (`tool_search: true`): elsewhere it is a 400.
      if (body && ctx.provider.toolSearch && !config.toolSearch) {
        const stripped = stripPart(body, ctx.provider.toolSearch);
        if (stripped) {
          body = stripped.body;
          ctx.trace.push({
            kind: 'strip',
            removed: stripped.removed,
            reason: `"${config.name}" does not serve tool search (tool_search is not set): deferred tools sent in full`,
          });
        }
      }
      if (!started) {
        started = true;
        deps.events.emit('request:start', {
          id: ctx.id,
          service: ctx.service,
          config: config.name,
          method: ctx.req.method ?? 'GET',
          path: ctx.path,
          model: ctx.modelSent ?? ctx.modelRequested,
          stream: ctx.stream,
          startedAt: ctx.startedAt,
          bytesIn: ctx.bytesIn,
        });
      }
      const t = performance.now();
      let upstream: UpstreamResponse;
      try {
        upstream = await deps.client.send(joinUpstreamUrl(config.baseUrl, ctx.url), {
          method: ctx.req.method ?? 'GET',
          headers: buildUpstreamHeaders(ctx.req.headers, config, SERVICE_PROFILE[ctx.service].apiKeyHeader),
          body,
          cancel: ctx.cancel,
        });
      } catch (err) {
        if (ctx.cancel.cancelled) {
          ctx.errorCode = 'client_aborted';
          return;
        }
        const failure = classifyUpstreamError(err, deps.client.timeouts);
        const outcome = classifyTransport(failure.code === 'upstream_timeout' ? 'timeout' : 'network', failure.reason);
        record(ctx, deps, config, outcome, t);
        failures.push(`"${config.name}": ${failure.reason}`);
        if (!last) continue;
        const tried = failures.length > 1 ? ` (tried ${failures.join('; ')})` : '';
        sendError(ctx, failure.status, failure.code, `${upstreamLabel(config)}: ${failure.reason}${tried}`);
        return;
      }

      const status = upstream.statusCode;
      let buffered: Buffer | null = null;
      if (status === 400 && body && !signatureRetried && ctx.provider.signedHistory.mayCarry(body)) {
        buffered = await upstream.body.readAll().catch(() => Buffer.alloc(0));
        if (ctx.provider.signedHistory.isRejection(status, buffered.toString('utf8'))) {
          const stripped = stripSignedHistory(body, ctx.provider);
          if (stripped) {
            signatureRetried = true;
            ctx.body!.sent(stripped.body);
            ctx.trace.push({ kind: 'strip', removed: stripped.removed, reason: `"${config.name}" rejected the signed history; retried once without it` });
            i--;
            continue;
          }
        }
      }
      // An endpoint the upstream lacks, that CLP can answer (count_tokens: an estimate, never 0,
      // which would stop Claude Code's auto-compaction). The config is not at fault.
      const local = status === 404 || status === 405 ? ctx.provider.unservedFallback(ctx.path, status, body) : null;
      if (local) {
        if (!buffered) upstream.body.destroy();
        ctx.trace.push({ kind: 'local', config: config.name, status, answer: 'an estimate of the input tokens (the upstream has no count_tokens)' });
        sendJson(ctx, 200, local, { 'x-clp-estimated': 'true' });
        return;
      }
      const outcome = classifyStatus(status, upstream.headers, deps.now(), '', deps.pool.maxRetryAfterMs);
      if (outcome.failover && !last) {
        // The failed answer's body is not wanted: dropped at once, so a body that stalls cannot
        // hold up the next candidate.
        if (!buffered) upstream.body.destroy();
        record(ctx, deps, config, outcome, t);
        failures.push(`"${config.name}": ${outcome.reason}`);
        continue;
      }
      if (body && body !== ctx.body!.outgoing) ctx.body!.sent(body);
      if (outcome.class !== 'ok') record(ctx, deps, config, outcome, t);
      else if (failures.length) ctx.trace.push({ kind: 'attempt', config: config.name, outcome: outcome.reason, ms: Math.round(performance.now() - t) });
      let ok: boolean;
      try {
        ok = await relay(ctx, deps, config, upstream, buffered);
      } catch (err) {
        // Whatever broke after the upstream answered, its body is not left running (or buffering).
        upstream.body.destroy();
        throw err;
      }
      if (outcome.class === 'ok') {
        if (ok) {
          deps.pool.report(ctx.service, config.name, outcome);
          deps.pool.served(ctx.service, ctx.sessionId, config.name);
        } else if (ctx.errorCode && ctx.errorCode !== 'client_aborted') {
          deps.pool.report(ctx.service, config.name, midStreamFailure(ctx.errorCode));
        }
      }
      return;
    }
  };
}

/**
 * A name as a header value. Header values are Latin-1 on the wire and Node refuses anything else, so
 * a config named `中转站` or with an emoji is sent percent-encoded (as `encodeURIComponent` does);
 * plain ASCII names go as they are.
 */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/** How an upstream is named in errors: the config and its origin, never a path or query (keys hide there). */
function upstreamLabel(config: UpstreamConfig): string {
  return `upstream "${config.name}" (${originOf(config.baseUrl)})`;
}

function record(ctx: RequestContext, deps: ForwardDeps, config: UpstreamConfig, outcome: Outcome, t: number): void {
  // The trace says "cooling down" only when the pool did cool the config down (never in active mode).
  const effect = deps.pool.report(ctx.service, config.name, outcome);
  if (ctx.candidates.length > 1 && !ctx.trace.some((entry) => entry.kind === 'plan')) {
    ctx.trace.unshift({ kind: 'plan', mode: deps.pool.mode(ctx.service), candidates: ctx.candidates.map((c) => c.name), skipped: [] });
  }
  ctx.trace.push({
    kind: 'attempt',
    config: config.name,
    outcome: effect ? `${outcome.reason}; ${effect}` : outcome.reason,
    ms: Math.round(performance.now() - t),
  });
}

/** Relays status, headers and body to the client; resolves true when the body ended cleanly. */
function relay(ctx: RequestContext, deps: ForwardDeps, config: UpstreamConfig, upstream: UpstreamResponse, buffered: Buffer | null): Promise<boolean> {
  ctx.status = upstream.statusCode;
  ctx.responseHeaders = upstream.headers;
  ctx.tap = new ResponseTap(upstream.headers, { captureBytes: ctx.keepBodies ? deps.captureBytes : 0 });
  const headers = buildClientHeaders(upstream.headers);
  headers['x-clp-request-id'] = ctx.id;
  headers['x-clp-upstream'] = headerSafe(config.name);
  if (ctx.modelRewrittenFrom) {
    for (const name of ctx.provider.modelHeaders) if (headers[name] !== undefined) headers[name] = headerSafe(ctx.modelRewrittenFrom);
  }
  const sse = isPlainEventStream(upstream.headers);
  const res = ctx.res;
  const firstByte = () => {
    if (ctx.ttfbMs !== null) return;
    ctx.ttfbMs = performance.now() - ctx.t0;
  };
  if (buffered) {
    headers['content-length'] = String(buffered.length);
    delete headers['transfer-encoding'];
    res.writeHead(upstream.statusCode, headers);
    firstByte();
    ctx.bytesOut += buffered.length;
    ctx.tap.write(buffered);
    res.end(buffered);
    return Promise.resolve(true);
  }
  res.writeHead(upstream.statusCode, headers);
  const body = upstream.body;
  return new Promise<boolean>((resolve) => {
    let settled = false;
    // The drain listener is added only when a write is refused: most answers never fill the socket.
    let draining = false;
    const onDrain = () => {
      draining = false;
      body.resume();
    };
    let forget: (() => void) | null = null;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (draining) res.off('drain', onDrain);
      forget?.();
      resolve(ok);
    };
    // The client going away (the response closed before its end) cancels the request: the upstream
    // call is aborted by that, and the relay stops here (at once, when it has gone already).
    forget = ctx.cancel.onCancel(() => {
      ctx.errorCode ??= 'client_aborted';
      body.destroy();
      done(false);
    });
    if (settled) return;
    body.read({
      data: (chunk) => {
        firstByte();
        ctx.bytesOut += chunk.length;
        const more = res.write(chunk);
        ctx.tap!.write(chunk);
        if (!more) {
          body.pause();
          if (!draining) {
            draining = true;
            res.once('drain', onDrain);
          }
        }
      },
      end: () => {
        res.end();
        done(true);
      },
      error: (err) => {
        if (ctx.cancel.cancelled || res.destroyed) {
          ctx.errorCode ??= 'client_aborted';
          return done(false);
        }
        const failure = classifyUpstreamError(err, deps.client.timeouts);
        sendError(ctx, failure.status, failure.code, `${upstreamLabel(config)}: ${failure.reason}`, sse);
        done(false);
      },
    });
    // Headers leave with the first bytes, in one write. A stream whose first event has not come yet
    // gets its headers at once, so the client sees it open.
    if ((sse || ctx.stream) && ctx.ttfbMs === null && !res.writableEnded) res.flushHeaders();
  });
}
