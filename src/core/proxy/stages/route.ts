import type { ConfigStore } from '../../config/store.ts';
import type { Pool } from '../../pool/pool.ts';
import { decideRoute } from '../../routing/routes.ts';
import type { Routes } from '../../../shared/rules.ts';
import { replaceModel } from '../../body/body-scan.ts';
import type { Stage } from '../context.ts';
import { refuseNoUpstream } from './select-upstream.ts';

/**
 * Applies the routing rules: a model rewrite changes only the body's top-level `model`; a pin narrows
 * the candidates to one config (still subject to its health: a pin never routes to a config that is
 * cooling down or disabled, the original's bug B15).
 */
export function routeStage(routes: () => Routes, pool: Pool, store: ConfigStore): Stage {
  return (ctx, next) => {
    const rules = routes()[ctx.service];
    if (rules.length) {
      const decision = decideRoute(rules, ctx.facts?.model ?? null, ctx.candidates[0]?.name ?? null);
      if (decision.matched.length) {
        ctx.trace.push({ route: decision });
        if (decision.model && decision.model !== ctx.modelSent) {
          const body = ctx.upstreamBody ?? ctx.body;
          const rewritten = body ? replaceModel(body, decision.model) : null;
          if (rewritten) {
            ctx.upstreamBody = rewritten;
            ctx.modelRewrittenFrom = ctx.modelSent;
            ctx.modelSent = decision.model;
          }
        }
        if (decision.config) {
          ctx.pinned = decision.config;
          const plan = pool.plan(ctx.service, store.snapshot(), ctx.sessionId, decision.config);
          if (!plan.candidates.length) return refuseNoUpstream(ctx, plan.skipped, pool);
          ctx.candidates = plan.candidates;
        }
      }
    }
    return next();
  };
}
