import type { ConfigStore } from '../../config/store.ts';
import type { Pool } from '../../pool/pool.ts';
import type { Plan } from '../../pool/select.ts';
import { DONE, type RequestContext, type Stage } from '../context.ts';
import { sendError } from '../respond.ts';

/**
 * Plans the upstreams for this request from the config snapshot current at this moment; the request
 * keeps them to its end, so a switch applies to the next request and never to one in flight.
 * - No usable config (placeholder mode): a 400, which neither Claude Code nor Codex retries, naming
 *   the file to edit; a retry loop would only delay the message.
 * - Configs, but none available: a 503 saying why each one was skipped (the clients retry 5xx, and a
 *   cooling config comes back), never a silent route to a dead upstream.
 */
export function selectUpstream(store: ConfigStore, pool: Pool): Stage {
  return (ctx, next) => {
    const snapshot = store.snapshot();
    if (!snapshot.active) {
      const state = store.state();
      const why = state.error ? `its last change is broken (${state.error}) and no earlier version was good` : 'it has no configs yet';
      sendError(ctx, 400, 'no_config', `no upstream is configured for ${ctx.service}: ${why}. Add one to ${store.file}`);
      return DONE;
    }
    const plan = pool.plan(ctx.service, snapshot, ctx.sessionId, ctx.pinned);
    // The plan is worth keeping when it left configs out or a rule pinned it; otherwise it is added
    // only if a failover happens (forward.ts), so the common record carries no trace at all.
    if (plan.skipped.length || ctx.pinned) {
      ctx.trace.push({ plan: { mode: pool.mode(ctx.service), candidates: plan.candidates.map((c) => c.name), skipped: plan.skipped } });
    }
    if (!plan.candidates.length) return refuseNoUpstream(ctx, plan.skipped, pool);
    ctx.candidates = plan.candidates;
    return next();
  };
}

/**
 * The one answer when no candidate is left: a 503 saying why each config was skipped, with a
 * `retry-after` for when the first of them is back (capped, like the upstreams' own).
 */
export function refuseNoUpstream(ctx: RequestContext, skipped: Plan['skipped'], pool: Pool): Promise<void> {
  const reasons = skipped.map((s) => `"${s.name}": ${s.why}`).join('; ');
  const retry = pool.retryAfterSec(ctx.service, skipped.map((s) => s.name));
  sendError(ctx, 503, 'no_upstream', `no ${ctx.service} upstream is available: ${reasons || 'none configured'}`, false, { 'retry-after': String(retry) });
  return DONE;
}
