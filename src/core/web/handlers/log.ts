import type { ContextWarning, DashboardState, ServiceToday } from '../../../shared/dashboard.ts';
import type { SessionSummary } from '../../../shared/sessions.ts';
import type { UpstreamConfig } from '../../config/schema.ts';
import { ClpError } from '../../../shared/errors.ts';
import { SERVICES, type ServiceName } from '../../../shared/services.ts';
import { topGroups } from '../../../shared/records.ts';
import { emptyTotals } from '../../../shared/usage.ts';
import type { RequestStore } from '../../store/request-store.ts';
import { localDay, startOfLocalDay } from '../../time.ts';
import { parseSince } from '../../usage/since.ts';
import { NO_SESSION } from '../../usage/sessions.ts';
import { overflow } from '../../usage/context-fit.ts';
import { noSuchConfig } from '../../config/names.ts';
import { configViewsOf } from './configs.ts';
import type { DashboardDeps, HandlersOf } from './deps.ts';

function needStore(deps: DashboardDeps): RequestStore {
  const store = deps.requests();
  if (!store) throw new ClpError('log_disabled', 'the request log is switched off (settings: log.enabled)');
  return store;
}

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

type LogMethods =
  | 'status/get'
  | 'owner/status'
  | 'logs/list'
  | 'logs/get'
  | 'usage/get'
  | 'overview/get'
  | 'sessions/list'
  | 'sessions/get'
  | 'sessions/bind'
  | 'sessions/fit';

/** Sessions active this recently are the ones a switch moves (older ones have likely ended). */
const FIT_WINDOW_MS = 6 * 3_600_000;

/** The recent unbound sessions of `service` that `target`'s model cannot hold. */
function tight(deps: DashboardDeps, sessions: SessionSummary[], service: ServiceName, target: UpstreamConfig) {
  const recent = deps.now() - FIT_WINDOW_MS;
  return sessions
    .filter((s) => s.service === service && s.id !== NO_SESSION && s.last_at >= recent && !deps.bindings.get(service, s.id))
    .flatMap((s) => {
      const model = s.context_model;
      const over = overflow({ used: s.context_tokens, config: s.last_config }, target, model);
      return over ? [{ id: s.id, used: over.used, window: over.window, model }] : [];
    });
}

/**
 * For the status bar and the dashboard: sessions the active config cannot hold, from what this
 * owner has seen (the log is not read for it: the sessions that matter are the recent ones).
 */
function contextWarnings(deps: DashboardDeps): ContextWarning[] {
  const sessions = deps.sessions.list(1000);
  return SERVICES.flatMap((service) => {
    const active = deps.stores[service].snapshot().active;
    return active ? tight(deps, sessions, service, active).map((t) => ({ service, config: active.name, ...t })) : [];
  });
}

/** The session tracker, seeded once from the log (everything within retention). */
async function sessionsOf(deps: DashboardDeps) {
  await deps.sessionsReady();
  return deps.sessions;
}

/** The owner's state and what the request log holds; reads see every request that has finished. */
export function logHandlers(deps: DashboardDeps): HandlersOf<LogMethods> {
  return {
    'status/get': async () => {
      const configs = {} as DashboardState['configs'];
      const pools = {} as DashboardState['pools'];
      for (const service of SERVICES) {
        configs[service] = configViewsOf(deps.stores[service]);
        pools[service] = deps.pool.status(service, deps.stores[service].snapshot());
      }
      return { status: deps.status(), configs, today: await today(deps), pools, context_warnings: contextWarnings(deps) };
    },
    'owner/status': async () => deps.status(),
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
    'overview/get': async ({ spanMs, stepMs }) => {
      const store = deps.requests();
      const now = deps.now();
      if (store && !deps.today.seeded) {
        await store.flush();
        deps.today.seed(await store.recordsSince(Math.min(startOfLocalDay(now), now - spanMs)), now);
      }
      return deps.today.view(now, spanMs, stepMs);
    },
    'sessions/list': async ({ service, limit }) =>
      (await sessionsOf(deps))
        .list(10_000)
        .filter((x) => !service || x.service === service)
        .slice(0, limit)
        .map((x) => ({ ...x, bound: deps.bindings.get(x.service, x.id) })),
    'sessions/get': async ({ id }) => {
      const s = (await sessionsOf(deps)).find(id);
      if (!s) throw new ClpError('not_found', `no session ${id} (\`clp sessions\` lists them)`);
      const store = needStore(deps);
      await store.flush();
      const recent = await store.logs({ limit: 50, service: s.service, session: s.id === NO_SESSION ? null : s.id });
      return { ...s, bound: deps.bindings.get(s.service, s.id), recent };
    },
    'sessions/fit': async ({ service, config }) => {
      const target = deps.stores[service].snapshot().get(config);
      return target ? tight(deps, (await sessionsOf(deps)).list(1000), service, target) : [];
    },
    'sessions/bind': async ({ id, config }) => {
      const s = (await sessionsOf(deps)).find(id);
      if (!s || s.id === NO_SESSION)
        throw new ClpError('not_found', `no session ${id} (\`clp sessions\` lists them; requests without a session id cannot be bound)`);
      if (config !== null) {
        const have = deps.stores[s.service].snapshot().entries.map((e) => e.name);
        if (!have.includes(config)) throw noSuchConfig(deps.stores[s.service].label, config, have);
      }
      await deps.bindings.set(s.service, s.id, config === null ? null : [config]);
      deps.changed(`session ${s.id} ${config === null ? 'unbound' : `bound to "${config}"`}`);
      return { ...s, bound: deps.bindings.get(s.service, s.id) };
    },
    'usage/get': async ({ service, since, by, top }) => {
      const store = needStore(deps);
      await store.flush();
      // A project is known per session (from the statusline); no need to read the log for it.
      const projectOf = by === 'project' ? (s: ServiceName, id: string | null) => deps.sessions.projectOf(s, id) : undefined;
      const report = await store.usage({ service, by, ...parseSince(since, deps.now()), ...(projectOf ? { projectOf } : {}) });
      return { ...(top === undefined ? report : topGroups(report, top)), since: since ?? null };
    },
  };
}
