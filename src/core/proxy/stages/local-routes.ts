import type { HealthReport } from '../../../shared/status.ts';
import type { Provider } from '../../providers/provider.ts';
import { DONE, type RequestContext, type Stage } from '../context.ts';
import { sendJson } from '../respond.ts';

/**
 * Requests CLP answers itself instead of forwarding:
 * - `HEAD /` is Claude Code's connectivity preflight: a 405 or a hang reads as "endpoint down".
 * - `GET /health` tells tools (and `clp status`) that this port is CLP, and who owns it.
 * - whatever the port's provider answers locally (Claude Code's hello probe and telemetry).
 */
export function localRoutes(health: () => HealthReport, provider: Provider): Stage {
  return (ctx, next) => {
    const method = ctx.req.method ?? 'GET';
    const path = ctx.path;
    if (path === '/' && (method === 'HEAD' || method === 'GET')) return answer(ctx, 200, health());
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) return answer(ctx, 200, health());
    const local = provider.localAnswer(method, path);
    if (!local) return next();
    if (local.body === null) {
      ctx.local = true;
      ctx.req.resume();
      ctx.status = local.status;
      ctx.res.writeHead(local.status).end();
      return DONE;
    }
    return answer(ctx, local.status, local.body);
  };
}

function answer(ctx: RequestContext, status: number, body: unknown): Promise<void> {
  ctx.local = true;
  ctx.req.resume();
  sendJson(ctx, status, body, { 'cache-control': 'no-store' });
  return DONE;
}
