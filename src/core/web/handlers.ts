import type { z } from 'zod';
import { ClpError } from '../../shared/errors.ts';
import { isMethod } from '../../shared/protocol.ts';
import { configHandlers } from './handlers/configs.ts';
import type { DashboardDeps, Handlers } from './handlers/deps.ts';
import { logHandlers } from './handlers/log.ts';
import { poolHandlers } from './handlers/pool.ts';
import { ruleHandlers } from './handlers/rules.ts';
import { teamHandlers } from './handlers/team.ts';
import { PARAMS } from './params.ts';
import { issueLine } from '../config/issues.ts';

export type { DashboardDeps, Handlers };

/** The dashboard's requests, one handler per protocol method, gathered from each resource's file. */
export function createHandlers(deps: DashboardDeps): Handlers {
  return { ...logHandlers(deps), ...configHandlers(deps), ...ruleHandlers(deps), ...poolHandlers(deps), ...teamHandlers(deps) };
}

/** Checks a request's params against the host's schema for its method, then runs its handler. */
export async function dispatch(handlers: Handlers, method: string, raw: unknown): Promise<unknown> {
  if (!isMethod(method)) throw new ClpError('not_found', `no method ${method}`);
  const parsed = (PARAMS[method] as z.ZodType).safeParse(raw ?? {});
  if (!parsed.success) throw new ClpError('bad_request', issueLine(parsed.error, 'params'));
  return (handlers[method] as (p: unknown) => Promise<unknown>)(parsed.data);
}
