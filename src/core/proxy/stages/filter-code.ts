import type { CodeFilterContext, CodeFilters } from '../../filters/code-filters.ts';
import type { RequestBody } from '../../body/request-body.ts';
import { DONE, type RequestContext, type Stage } from '../context.ts';
import { sendError } from '../respond.ts';

/**
 * Filter modules (`$CLP_HOME/filters/*.mjs`), after the rules and detectors: each gets the body as
 * JSON and returns the body to send. What they return is what goes upstream and what the log keeps.
 * A module that fails stops the request in the client's dialect, nothing sent (fail closed: a broken
 * redaction module must not let the secret through), unless it is listed as fail-open.
 */
export function filterCodeStage(code: () => CodeFilters | null, configOf: (session: string | null) => string | null): Stage {
  // Without modules (most users) the stage only passes the request on: no async frame of its own.
  return (ctx, next) => {
    const filters = code();
    if (!ctx.body || !filters?.modules().length) return next();
    return runModules(ctx as RequestContext & { body: RequestBody }, next, filters, configOf);
  };
}

async function runModules(
  ctx: RequestContext & { body: RequestBody },
  next: () => Promise<void>,
  filters: CodeFilters,
  configOf: (session: string | null) => string | null,
): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(ctx.body.logged.toString('utf8'));
  } catch {
    return next(); // not JSON: nothing a module could read (the upstream answers it)
  }
  const context: CodeFilterContext = { service: ctx.service, config: configOf(ctx.sessionId), model: ctx.modelRequested, session: ctx.sessionId };
  const r = await filters.run(body, context);
  if (!r.ok) {
    ctx.trace.push({ kind: 'filter-code', changed: [], failed: { module: r.module, message: r.message, open: false } });
    sendError(
      ctx,
      400,
      'filter_failed',
      `filter module ${r.module} ${r.message}: the request was not sent (filter modules fail closed; list it in settings "filters.failOpen" to let requests go on without it)`,
    );
    return DONE;
  }
  const failed = r.skipped[0] ? { module: r.skipped[0].name, message: r.skipped[0].message, open: true } : null;
  if (r.changed.length || failed) ctx.trace.push({ kind: 'filter-code', changed: r.changed, failed });
  if (r.body !== null) ctx.body.filtered(Buffer.from(JSON.stringify(r.body)));
  return next();
}
