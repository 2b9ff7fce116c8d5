import type { BodyBudget } from '../body-budget.ts';
import { scanBody } from '../../body/body-scan.ts';
import { RequestBody } from '../../body/request-body.ts';
import type { Stage } from '../context.ts';
import { isStreamRequest } from '../headers.ts';
import { sendError } from '../respond.ts';
import { sessionIdOf } from '../session.ts';

/**
 * Reads the whole request body (needed to choose, rewrite and retry it), refusing one over the limit
 * as soon as it crosses it, then reads its top-level `model` and `stream` without parsing the rest.
 */
export function readBody(maxBytes: number, budget: BodyBudget): Stage {
  return async (ctx, next) => {
    const method = ctx.req.method ?? 'GET';
    const declared = Number(ctx.req.headers['content-length'] ?? '0');
    const hasBody = method !== 'GET' && method !== 'HEAD' && (declared > 0 || ctx.req.headers['transfer-encoding'] !== undefined);
    if (declared > maxBytes) return tooLarge(ctx, maxBytes);
    if (hasBody) {
      const chunks: Buffer[] = [];
      let size = 0;
      const ok = await new Promise<'ok' | 'large' | 'busy'>((resolve, reject) => {
        const stop = (why: 'large' | 'busy') => {
          ctx.req.removeAllListeners('data');
          ctx.req.pause();
          resolve(why);
        };
        ctx.req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return stop('large');
          if (!budget.reserve(chunk.length)) return stop('busy');
          ctx.heldBytes += chunk.length;
          chunks.push(chunk);
        });
        // `on`, not `once`: each fires at most once, and `once` wraps its listener in a closure.
        ctx.req.on('end', () => resolve('ok'));
        ctx.req.on('error', reject);
        ctx.cancel.onCancel(() => resolve('large'));
      });
      if (ctx.cancel.cancelled) {
        ctx.errorCode = 'client_aborted';
        return;
      }
      if (ok === 'large') return tooLarge(ctx, maxBytes);
      if (ok === 'busy') {
        ctx.res.setHeader('connection', 'close');
        sendError(
          ctx,
          429,
          'overloaded',
          `CLP holds ${Math.round(budget.limitBytes / 1048576)} MB of request bodies already (setting maxBodiesInMemoryMb); retry in a moment`,
          false,
          { 'retry-after': '1' },
        );
        return;
      }
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      ctx.bytesIn = size;
      ctx.facts = scanBody(bytes);
      ctx.body = new RequestBody(bytes, ctx.facts);
    }
    ctx.stream = isStreamRequest(ctx.req.headers, ctx.facts?.stream ?? ctx.provider.streamByPath(ctx.path));
    ctx.modelRequested = ctx.facts?.model ?? ctx.provider.pathModel?.of(ctx.path) ?? null;
    ctx.modelSent = ctx.modelRequested;
    ctx.sessionId = sessionIdOf(ctx.req.headers, ctx.facts);
    return next();
  };
}

function tooLarge(ctx: Parameters<Stage>[0], maxBytes: number): void {
  ctx.res.setHeader('connection', 'close');
  sendError(ctx, 413, 'body_too_large', `request body is over the ${Math.round(maxBytes / 1048576)} MB limit (setting maxBodyMb)`);
}
