import type { ConfigStore } from '../../config/store.ts';
import type { Stage } from '../context.ts';
import { sendError } from '../respond.ts';

/**
 * Picks the upstream for this request from the config snapshot current at this moment. The request
 * keeps that config to its end, so a switch applies to the next request and never to one in flight.
 * With no usable config (placeholder mode) the client gets a 400, which neither Claude Code nor Codex
 * retries, naming the file to edit; a retry loop would only delay the message.
 */
export function selectUpstream(store: ConfigStore): Stage {
  return async (ctx, next) => {
    const active = store.snapshot().active;
    if (!active) {
      const state = store.state();
      const why = state.error ? `its last change is broken (${state.error}) and no earlier version was good` : 'it has no configs yet';
      sendError(ctx, 400, 'no_config', `no upstream is configured for ${ctx.service}: ${why}. Add one to ${store.file}`);
      return;
    }
    ctx.config = active;
    await next();
  };
}
