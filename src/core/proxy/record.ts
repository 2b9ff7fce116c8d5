import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestDetailParts, RequestFinished } from '../events.ts';
import type { TapResult } from '../usage/response-tap.ts';
import type { RequestContext } from './context.ts';
import { isCredentialHeader } from './headers.ts';
import { configKeys, scrubBytes, scrubText } from '../config/scrub-keys.ts';

const SECRET_RESPONSE_HEADERS = new Set(['set-cookie']);
const responseSecret = (name: string) => SECRET_RESPONSE_HEADERS.has(name) || isCredentialHeader(name);

/**
 * Headers as the log keeps them: credentials and cookies are `[removed]`, and the config's own keys,
 * should an upstream echo one back in a header, are cut out of every value.
 */
export function cleanHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  secret: (name: string) => boolean,
  keys: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = secret(name) ? '[removed]' : scrubText(Array.isArray(value) ? value.join(', ') : value, keys);
  }
  return out;
}

/**
 * The client and its version: its user agent up to the first comment (`claude-cli/2.1.332 (external,
 * cli)` → `claude-cli/2.1.332`, `Anthropic/JS 0.71.0`), at most 40 characters; null without one.
 */
export function clientOf(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const paren = userAgent.indexOf(' (');
  return (paren < 0 ? userAgent : userAgent.slice(0, paren)).trim().slice(0, 40) || null;
}

/** Milliseconds kept to the microsecond: shorter to write and read back than a full double. */
const microseconds = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * The error class of a finished request: CLP's own error code first, then an upstream error status,
 * then an error the upstream put inside a 200 stream, then a stream that ended without saying it
 * was complete (no `message_stop`, `response.completed` or `[DONE]`): cut short, never a clean 200.
 */
export function errorClass(ctx: RequestContext, tap: TapResult | null): string | null {
  if (ctx.errorCode) return ctx.errorCode;
  if (ctx.status !== null && ctx.status >= 400) return `http_${ctx.status}`;
  if (tap?.streamError) return `stream_${tap.streamError}`;
  if (tap && !tap.completed && !tap.undecodable) return 'stream_incomplete';
  return null;
}

/** The headers and bodies the log keeps of a request, credential-free. */
function detailParts(ctx: RequestContext, tap: TapResult | null): RequestDetailParts {
  // Long enough to be keys: cutting a short one would mangle ordinary text in the bodies.
  const keys = configKeys(ctx.config, 8);
  return {
    requestHeaders: cleanHeaders(ctx.req.headers, isCredentialHeader, keys),
    responseHeaders: ctx.responseHeaders ? cleanHeaders(ctx.responseHeaders, responseSecret, keys) : {},
    requestBody: ctx.body?.logged ?? null,
    // Kept only when it differs from the logged body (a model rewrite, stripped thinking blocks).
    upstreamBody: ctx.body?.changedForUpstream ?? null,
    responseBody: tap?.body ? scrubBytes(tap.body, keys) : Buffer.alloc(0),
    responseTruncated: tap?.truncated ?? false,
  };
}

/**
 * Builds the finished request's record (without cost: the recorder prices it); its detail parts
 * only when the log asks for them.
 */
export function finishedRecord(ctx: RequestContext, tap: TapResult | null): RequestFinished {
  return {
    record: {
      id: ctx.id,
      started_at: ctx.startedAt,
      service: ctx.service,
      config: ctx.config?.name ?? null,
      model_requested: ctx.modelRequested,
      model_sent: ctx.modelSent ?? ctx.modelRequested,
      model_answered: tap?.model ?? null,
      method: ctx.req.method ?? 'GET',
      path: ctx.path,
      status: ctx.status,
      error: errorClass(ctx, tap),
      duration_ms: microseconds(performance.now() - ctx.t0),
      ttfb_ms: ctx.ttfbMs === null ? null : microseconds(ctx.ttfbMs),
      bytes_in: ctx.bytesIn,
      bytes_out: ctx.bytesOut,
      stream: ctx.stream,
      session_id: ctx.sessionId,
      usage: tap?.usage ?? null,
      cost_usd: null,
      trace: ctx.trace.length ? ctx.trace : null,
      client: clientOf(ctx.req.headers['user-agent']),
    },
    bodies: ctx.keepBodies,
    detail: () => detailParts(ctx, tap),
  };
}
