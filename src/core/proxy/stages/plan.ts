import type { Routes } from '../../../shared/rules.ts';
import type { ConfigStore } from '../../config/store.ts';
import type { Pool } from '../../pool/pool.ts';
import type { Plan } from '../../pool/select.ts';
import { decideRoute } from '../../routing/routes.ts';
import { DONE, type RequestContext, type Stage } from '../context.ts';
import { sendError } from '../respond.ts';
import { boundConfigsOf } from '../session.ts';
import { overflow, type SessionContext } from '../../usage/context-fit.ts';

/** The stored session bindings as the plan sees them. */
export interface SessionBindingsView {
  get(session: string | null): string[] | null;
  /** A model picked in the client (a picker id) binds its session: stored for its later requests. */
  pick(session: string, config: string): void;
}

const BOUND_BY = {
  launch: 'this session’s launch (clp run --config)',
  model: 'the model picked in the client',
  session: 'a binding of this session',
} as const;

/** What the plan needs to keep a move from overflowing a model's window. */
export interface ContextFit {
  context(session: string | null): SessionContext | null;
  /** The `refuseContextOverflow` setting. */
  refuse(): boolean;
}

/**
 * Decides, once, which configs this request tries and with which model, from the config snapshot
 * current at this moment (the request keeps them to its end, so a switch applies to the next request
 * and never to one in flight):
 * 1. the pool's plan (the active config, or every healthy config in pool mode);
 * 2. the routing rules, which see the config the plan would use first: a rewrite changes only the
 *    body's top-level `model`, a pin narrows the plan to its configs (still subject to their health:
 *    a pin never routes to a config that is cooling down or disabled).
 * - No usable config (placeholder mode): a 400, which neither Claude Code nor Codex retries, naming
 *   the file to edit; a retry loop would only delay the message.
 * - Configs, but none available: a 503 saying why each one was skipped (the clients retry 5xx, and a
 *   cooling config comes back), never a silent route to a dead upstream.
 */
export function planStage(store: ConfigStore, pool: Pool, routes: () => Routes, bindings?: SessionBindingsView, fit?: ContextFit): Stage {
  return (ctx, next) => {
    const snapshot = store.snapshot();
    if (!snapshot.active) {
      const state = store.state();
      const why = state.error ? `its last change is broken (${state.error}) and no earlier version was good` : 'it has no configs yet';
      sendError(ctx, 400, 'no_config', `no upstream is configured for ${ctx.service}: ${why}. Add one to ${store.file}`);
      return DONE;
    }
    // A launch's binding (`clp run --config`) wins over the active config and over routing pins;
    // routing rewrites of the model still apply. Then a model picked in the client (`/model` in
    // Claude Code: the id names a config, the real model goes upstream), which also binds the
    // session from then on; then a session bound from the Sessions page or `clp session bind`.
    const launched = boundConfigsOf(ctx.req.headers);
    const picked = !launched && ctx.modelRequested ? (ctx.provider.modelPicker?.parse(ctx.modelRequested) ?? null) : null;
    if (picked) {
      rewriteModel(ctx, picked.model);
      if (ctx.sessionId && bindings?.get(ctx.sessionId)?.join(',') !== picked.config) bindings?.pick(ctx.sessionId, picked.config);
    }
    const by = launched ? 'launch' : picked ? 'model' : 'session';
    const bound = launched ?? (picked ? [picked.config] : null) ?? bindings?.get(ctx.sessionId) ?? null;
    let plan = bound ? pool.plan(ctx.service, snapshot, ctx.sessionId, bound, BOUND_BY[by]) : pool.plan(ctx.service, snapshot, ctx.sessionId, null);
    let pinned: string[] | null = bound;
    if (bound) ctx.trace.push({ kind: 'bound', config: bound, by });
    // A bound config that is gone or out fails over as the pool would (the plan then says why the
    // bound ones were skipped): a bound session is never moved without a trace saying so.
    if (bound && !plan.candidates.length) {
      const fallback = pool.plan(ctx.service, snapshot, ctx.sessionId, null);
      if (fallback.candidates.length) {
        ctx.trace.push({ kind: 'plan', mode: pool.mode(ctx.service), candidates: fallback.candidates.map((c) => c.name), skipped: plan.skipped });
        plan = { candidates: fallback.candidates, skipped: [...plan.skipped, ...fallback.skipped] };
        pinned = null;
      }
    }
    const rules = routes()[ctx.service];
    if (rules.length) {
      const decision = decideRoute(rules, ctx.modelRequested, plan.candidates[0]?.name ?? null);
      if (decision.matched.length) {
        ctx.trace.push({ kind: 'route', ...decision, ...(bound && decision.config ? { config: null } : {}) });
        if (decision.model && decision.model !== ctx.modelSent) rewriteModel(ctx, decision.model);
        if (decision.config && !bound) {
          pinned = decision.config;
          plan = pool.plan(ctx.service, snapshot, ctx.sessionId, pinned);
        }
      }
    }
    // The plan is worth keeping when it left configs out or a rule pinned it; otherwise it is added
    // only if a failover happens (forward.ts), so the common record carries no trace at all.
    if (plan.skipped.length || pinned) {
      ctx.trace.push({ kind: 'plan', mode: pool.mode(ctx.service), candidates: plan.candidates.map((c) => c.name), skipped: plan.skipped });
    }
    if (!plan.candidates.length) return refuseNoUpstream(ctx, plan.skipped, pool);
    // A move (switch, binding, rule) to a model that cannot hold what the session already uses:
    // said in the trace before it happens, or refused in the client's dialect with the setting on.
    const first = plan.candidates[0]!;
    const model = ctx.modelSent ?? ctx.modelRequested;
    const over = fit ? overflow(fit.context(ctx.sessionId), first, model) : null;
    if (over) {
      const refused = fit!.refuse();
      ctx.trace.push({ kind: 'window', config: first.name, model, window: over.window, used: over.used, refused });
      if (refused) {
        const n = (x: number) => x.toLocaleString('en-US');
        sendError(
          ctx,
          400,
          'context_overflow',
          `this session was not moved to "${first.name}": it already uses ${n(over.used)} tokens of context and ${model ?? 'the model'} there holds ${n(over.window)} (setting refuseContextOverflow). Compact the conversation first (/compact), or bind the session to a config with a larger window.`,
        );
        return DONE;
      }
    }
    ctx.candidates = plan.candidates;
    return next();
  };
}

function rewriteModel(ctx: RequestContext, model: string): void {
  const inPath = ctx.provider.pathModel;
  if (inPath) ctx.url = inPath.with(ctx.url, model);
  else if (!ctx.body?.rewriteModel(model)) return;
  ctx.modelRewrittenFrom = ctx.modelSent;
  ctx.modelSent = model;
}

/**
 * The one answer when no candidate is left: a 503 saying why each config was skipped, with a
 * `retry-after` for when the first of them is back (capped, like the upstreams' own).
 */
function refuseNoUpstream(ctx: RequestContext, skipped: Plan['skipped'], pool: Pool): Promise<void> {
  const reasons = skipped.map((s) => `"${s.name}": ${s.why}`).join('; ');
  const retry = pool.retryAfterSec(
    ctx.service,
    skipped.map((s) => s.name),
  );
  sendError(ctx, 503, 'no_upstream', `no ${ctx.service} upstream is available: ${reasons || 'none configured'}`, false, { 'retry-after': String(retry) });
  return DONE;
}
