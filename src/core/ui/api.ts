import { z } from 'zod';
import { ClpError } from '../../shared/errors.ts';
import { SERVICES } from '../../shared/services.ts';
import type { RequestStore } from '../store/request-store.ts';
import { parseSince } from '../usage/since.ts';

/** Query parameters of the read API, validated at the edge. */
const usageParams = z.object({
  service: z.enum(SERVICES).optional(),
  since: z.string().max(20).optional(),
  by: z.enum(['config', 'model', 'day']).default('config'),
});
const logsParams = z.object({
  service: z.enum(SERVICES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

function params<T>(schema: z.ZodType<T>, search: URLSearchParams): T {
  const result = schema.safeParse(Object.fromEntries(search));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ClpError('bad_request', `${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  return result.data;
}

/** The owner's read API for usage and the request log (`clp usage`, `clp logs`, the dashboard). */
export async function requestsApi(path: string, search: URLSearchParams, store: RequestStore | null, now: number): Promise<unknown> {
  if (!store) throw new ClpError('not_running', 'the request log is switched off (settings: log.enabled)');
  // Reads see every request that has finished: what is still batched goes to the store first.
  await store.flush();
  if (path === '/api/usage') {
    const p = params(usageParams, search);
    const since = parseSince(p.since, now);
    const report = await store.usage({ service: p.service, by: p.by, ...since });
    return { ...report, since: p.since ?? null };
  }
  if (path === '/api/logs') {
    const p = params(logsParams, search);
    return store.logs({ limit: p.limit, service: p.service });
  }
  const id = /^\/api\/logs\/([A-Za-z0-9-]{6,64})$/.exec(path)?.[1];
  if (id) {
    const detail = await store.log(id);
    if (!detail) throw new ClpError('not_found', `no request with id ${id}`);
    return detail;
  }
  throw new ClpError('not_found', `no route GET ${path}`);
}
