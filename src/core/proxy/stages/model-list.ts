import type { ConfigSnapshot } from '../../config/store.ts';
import type { PickerEntry } from '../../providers/provider.ts';
import { DONE, type Stage } from '../context.ts';
import { sendJson } from '../respond.ts';

/** Every config with each of its models (or the provider's defaults), in the file's order. Pure. */
export function pickerEntries(snapshot: ConfigSnapshot, defaults: readonly string[]): PickerEntry[] {
  return snapshot.entries.flatMap((c) => (c.models.length ? c.models : defaults).map((model) => ({ config: c.name, model })));
}

/**
 * The client's model picker asks CLP (Claude Code's `GET /v1/models` with gateway discovery on):
 * CLP answers with one entry per config and model, so picking one keeps the session on that config
 * (the plan stage reads the id back). Answered after the client-secret check, like any request.
 */
export function modelList(snapshot: () => ConfigSnapshot): Stage {
  return (ctx, next) => {
    const picker = ctx.provider.modelPicker;
    if (!picker?.isList(ctx.req.method ?? 'GET', ctx.path)) return next();
    ctx.local = true;
    ctx.req.resume();
    sendJson(ctx, 200, picker.listBody(pickerEntries(snapshot(), picker.defaults)), { 'cache-control': 'no-store' });
    return DONE;
  };
}
