import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DashboardState, ServiceToday } from '../../shared/dashboard.ts';
import { ClpError } from '../../shared/errors.ts';
import { isMethod, type CheckedParamsOf, type Method, type Requests, type ResultOf } from '../../shared/protocol.ts';
import { PARAMS } from './params.ts';
import { filterRuleSchema } from '../filters/schema.ts';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import type { StatusReport } from '../../shared/status.ts';
import { emptyTotals } from '../../shared/usage.ts';
import { activateConfig } from '../config/activate.ts';
import { configViews, deleteFromRaw, maskRaw, unmaskRaw, upsertInRaw } from '../config/edit.ts';
import { parseJsonText } from '../config/issues.ts';
import { parseConfigText } from '../config/schema.ts';
import type { ConfigStore } from '../config/store.ts';
import { applyToText } from '../filters/apply.ts';
import type { FilterSet } from '../filters/filter-set.ts';
import { compileRules } from '../filters/rules.ts';
import { withFileLock, writeFileAtomic } from '../fs/atomic.ts';
import { applyPoolAction } from '../pool/actions.ts';
import type { Pool } from '../pool/pool.ts';
import type { RouteSet } from '../routing/route-set.ts';
import { decideRoute } from '../routing/routes.ts';
import type { RequestStore } from '../store/request-store.ts';
import { localDay } from '../time.ts';
import { parseSince } from '../usage/since.ts';
import { testConnectivity } from './connectivity.ts';

export interface DashboardDeps {
  status: () => StatusReport;
  stores: Readonly<Record<ServiceName, ConfigStore>>;
  pool: Pool;
  filters: FilterSet;
  filtersPath: string;
  detectors: readonly string[];
  routeSet: RouteSet;
  routesPath: string;
  requests: () => RequestStore | null;
  now: () => number;
  /** Tells every open page that something it shows changed. */
  changed: (reason: string) => void;
}

type Handlers = { [M in Method]: (params: CheckedParamsOf<Requests[M]>) => Promise<ResultOf<Requests[M]>> };

function needStore(deps: DashboardDeps): RequestStore {
  const store = deps.requests();
  if (!store) throw new ClpError('not_running', 'the request log is switched off (settings: log.enabled)');
  return store;
}

async function rawOf(store: ConfigStore) {
  const text = await readFile(store.file, 'utf8').catch(() => '');
  const parsed = parseConfigText(store.label, text);
  if (!parsed.ok) throw new ClpError('config_invalid', parsed.error);
  return parsed.raw;
}

const views = (store: ConfigStore) => {
  const s = store.snapshot();
  return configViews(s.entries, s.active);
};

async function today(deps: DashboardDeps): Promise<Record<ServiceName, ServiceToday>> {
  const out = {} as Record<ServiceName, ServiceToday>;
  const store = deps.requests();
  await store?.flush();
  const report = store ? await store.usage({ by: 'config', sinceDay: localDay(deps.now()) }) : null;
  for (const service of SERVICES) {
    const total = report?.services[service]?.total ?? emptyTotals();
    out[service] = { requests: total.requests, errors: total.errors, totals: total, cost_usd: total.cost_usd };
  }
  return out;
}

async function readFilterFile(deps: DashboardDeps): Promise<{ rules: z.infer<typeof filterRuleSchema>[]; error: string | null }> {
  const text = await readFile(deps.filtersPath, 'utf8').catch(() => '');
  if (!text.trim()) return { rules: [], error: null };
  const json = parseJsonText('filter.json', text);
  if (!json.ok) return { rules: [], error: json.error };
  const parsed = z.array(filterRuleSchema).safeParse(Array.isArray(json.value) ? json.value : [json.value]);
  return parsed.success ? { rules: parsed.data, error: deps.filters.state().error } : { rules: [], error: deps.filters.state().error ?? 'filter.json: not a list of rules' };
}

/** The dashboard's requests, one handler per protocol method; params arrive already validated. */
export function createHandlers(deps: DashboardDeps): Handlers {
  const edit = async (service: ServiceName, reason: string, mutate: Parameters<ConfigStore['update']>[0]) => {
    await deps.stores[service].update(mutate);
    deps.changed(reason);
    return views(deps.stores[service]);
  };
  return {
    'status/get': async () => {
      const configs = {} as DashboardState['configs'];
      for (const service of SERVICES) configs[service] = views(deps.stores[service]);
      return { status: deps.status(), configs, today: await today(deps) };
    },
    'owner/status': async () => deps.status(),
    'configs/raw': async ({ service }) => ({ text: `${JSON.stringify(maskRaw(await rawOf(deps.stores[service])), null, 2)}\n` }),
    'configs/save': ({ service, ...change }) => {
      const store = deps.stores[service];
      return edit(service, `${service} config "${change.name}" saved`, (raw) => upsertInRaw(raw, change, store.label));
    },
    'configs/saveRaw': async ({ service, text }) => {
      const store = deps.stores[service];
      const parsed = parseConfigText(store.label, text);
      if (!parsed.ok) throw new ClpError('config_invalid', parsed.error);
      return edit(service, `${service} configs saved`, (raw) => unmaskRaw(parsed.raw, raw));
    },
    'configs/delete': ({ service, name }) => {
      const store = deps.stores[service];
      return edit(service, `${service} config "${name}" deleted`, (raw) => deleteFromRaw(raw, name, store.label));
    },
    'configs/activate': async ({ service, name }) => {
      await activateConfig(deps.stores[service], name);
      deps.changed(`${service}: "${name}" is active`);
      return views(deps.stores[service]);
    },
    'configs/test': async ({ service, name, model, effort }) => {
      const config = deps.stores[service].snapshot().get(name);
      if (!config) throw new ClpError('config_not_found', `${deps.stores[service].label}: no config named "${name}"`);
      return testConnectivity(service, config, model, effort);
    },
    'filters/get': async () => ({ ...(await readFilterFile(deps)), detectors: [...deps.detectors] }),
    'filters/save': async ({ rules }) => {
      // Refused when saved: a rule that would not compile never reaches the file.
      const compiled = compileRules('rules', rules);
      if (!compiled.ok) throw new ClpError('bad_request', compiled.error);
      await withFileLock(deps.filtersPath, () => writeFileAtomic(deps.filtersPath, `${JSON.stringify(rules, null, 2)}\n`));
      await deps.filters.reload();
      deps.changed('filters saved');
      return { ...(await readFilterFile(deps)), detectors: [...deps.detectors] };
    },
    'filters/try': async ({ rules, sample, service }) => {
      const compiled = compileRules('rules', rules);
      if (!compiled.ok) throw new ClpError('bad_request', compiled.error);
      const hits: Record<string, number> = {};
      const output = applyToText(sample, compiled.rules.filter((r) => r.services.has(service)), hits);
      return { output, hits };
    },
    'routes/get': async () => ({ routes: deps.routeSet.routes(), error: deps.routeSet.state().error }),
    'routes/save': async ({ routes }) => {
      await withFileLock(deps.routesPath, () => writeFileAtomic(deps.routesPath, `${JSON.stringify(routes, null, 2)}\n`));
      await deps.routeSet.reload();
      deps.changed('routes saved');
      return { routes: deps.routeSet.routes(), error: deps.routeSet.state().error };
    },
    'routes/try': async ({ routes, service, model, config }) => decideRoute(routes[service] ?? [], model || null, config),
    'pool/get': async ({ service }) => deps.pool.status(service, deps.stores[service].snapshot()),
    'pool/action': async ({ service, action }) => {
      await applyPoolAction(deps.pool, deps.stores[service], service, action);
      deps.changed(`${service} pool: ${action.action}`);
      return deps.pool.status(service, deps.stores[service].snapshot());
    },
    'logs/list': async (q) => {
      const store = needStore(deps);
      await store.flush();
      return store.logs(q);
    },
    'logs/get': async ({ id }) => {
      const store = needStore(deps);
      await store.flush();
      const detail = await store.log(id);
      if (!detail) throw new ClpError('not_found', `no request with id ${id}`);
      return detail;
    },
    'usage/get': async ({ service, since, by }) => {
      const store = needStore(deps);
      await store.flush();
      return { ...(await store.usage({ service, by, ...parseSince(since, deps.now()) })), since: since ?? null };
    },
  };
}

/** Validates a request's params against its protocol definition, then runs its handler. */
export async function dispatch(handlers: Handlers, method: string, raw: unknown): Promise<unknown> {
  if (!isMethod(method)) throw new ClpError('not_found', `no method ${method}`);
  const parsed = (PARAMS[method] as z.ZodType).safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ClpError('bad_request', `${issue.path.join('.') || 'params'}: ${issue.message}`);
  }
  return (handlers[method] as (p: unknown) => Promise<unknown>)(parsed.data);
}

export type { Handlers };
