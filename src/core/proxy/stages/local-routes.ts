import type { HealthReport } from '../../../shared/status.ts';
import { DONE, type RequestContext, type Stage } from '../context.ts';
import { sendJson } from '../respond.ts';

/**
 * Requests CLP answers itself instead of forwarding:
 * - `HEAD /` is Claude Code's connectivity preflight: a 405 or a hang reads as "endpoint down".
 * - `GET /health` tells tools (and `clp status`) that this port is CLP, and who owns it.
 * - `/api/hello` is Claude Code's older health probe.
 * - `/api/event_logging/*` is Claude Code telemetry: answered here, never sent to a relay.
 */
export function localRoutes(health: () => HealthReport): Stage {
  return (ctx, next) => {
    const method = ctx.req.method ?? 'GET';
    const path = ctx.path;
    if (path === '/' && (method === 'HEAD' || method === 'GET')) return answer(ctx, 200, health());
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) return answer(ctx, 200, health());
    if (ctx.service === 'claude') {
      if (path === '/api/hello' && (method === 'GET' || method === 'HEAD')) return answer(ctx, 200, { ok: true });
      if (path.startsWith('/api/event_logging/')) {
        ctx.local = true;
        ctx.req.resume();
        ctx.status = 204;
        ctx.res.writeHead(204).end();
        return DONE;
      }
    }
    return next();
  };
}

function answer(ctx: RequestContext, status: number, body: unknown): Promise<void> {
  ctx.local = true;
  ctx.req.resume();
  sendJson(ctx, status, body, { 'cache-control': 'no-store' });
  return DONE;
}
