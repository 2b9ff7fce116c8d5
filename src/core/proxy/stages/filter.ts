import type { FilterRule } from '../../filters/apply.ts';
import { filterBody } from '../../filters/apply.ts';
import type { Stage } from '../context.ts';

/**
 * Removes or replaces secrets before anything leaves the machine. The filtered body is both what goes
 * upstream and what the request log keeps; the record says which rules fired and how often.
 */
export function filterStage(rules: () => readonly FilterRule[]): Stage {
  return (ctx, next) => {
    const active = rules();
    if (ctx.body && active.length) {
      const result = filterBody(ctx.body.client, ctx.service, active);
      if (result.body) {
        ctx.body.filtered(result.body);
        ctx.trace.push({ kind: 'filters', hits: result.hits });
      }
    }
    return next();
  };
}
