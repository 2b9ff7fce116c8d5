import type { ErrorCode } from '../../shared/errors.ts';
import type { RequestContext } from './context.ts';

export function sendJson(ctx: RequestContext, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  ctx.status = status;
  ctx.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-clp-request-id': ctx.id,
    ...extra,
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : text);
}

/**
 * Answers with an error CLP made itself, in the client's dialect. Before anything was sent it is an
 * HTTP error; once a plain event stream has started it is an in-stream error event; otherwise (a
 * compressed or non-SSE body already under way) the connection is cut, so the client sees a broken
 * response rather than a short one that looks complete.
 */
export function sendError(ctx: RequestContext, status: number, code: ErrorCode, message: string, sseOpen = false, headers: Record<string, string> = {}): void {
  ctx.errorCode = code;
  const res = ctx.res;
  if (res.destroyed || res.writableEnded) return;
  if (!res.headersSent) {
    sendJson(ctx, status, ctx.provider.errors.errorBody(status, code, message), headers);
    return;
  }
  if (sseOpen) {
    res.end(ctx.provider.errors.streamError(code, message));
    return;
  }
  res.destroy();
}
