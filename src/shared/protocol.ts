import { z } from 'zod';
import type { DashboardState, ConfigView, ConnectivityResult, FiltersView, FilterTry, LiveEnd, LiveStart, RoutesView } from './dashboard.ts';
import type { RequestDetail, RequestRecord, UsageReport } from './records.ts';
import { SERVICES } from './services.ts';
import { poolActionSchema, type PoolStatus } from './pool.ts';
import { filterRuleSchema, routesFileSchema, type RouteDecision } from './rules.ts';
import type { ErrorShape } from './errors.ts';
import type { StatusReport } from './status.ts';

/**
 * The one message protocol between the dashboard and its host, used by both sides: the Lit page,
 * the :3300 server and the VS Code webview host. Each request is a value that carries its method, its
 * params schema (checked by the host on every transport) and, as a phantom type, its result.
 * Methods are `noun/verb`.
 */
export interface RequestType<M extends string, P extends z.ZodType, R> {
  readonly method: M;
  readonly params: P;
  /** Never set: carries the result type. */
  readonly result?: R;
}

export interface NotificationType<T> {
  readonly method: string;
  readonly payload?: T;
}

function request<R>() {
  return <M extends string, P extends z.ZodType>(method: M, params: P): RequestType<M, P, R> => ({ method, params });
}
function notification<T>(method: string): NotificationType<T> {
  return { method };
}

const service = z.enum(SERVICES);
const name = z.string().min(1).max(200);
const none = z.object({}).strict();

/** A key field from a form: a full key, a masked one (keep what is stored), or empty (none). */
const keyField = z.string().max(4096).nullable().optional();

export const StatusGet = request<DashboardState>()('status/get', none);
/** Who owns the ports and each service's state, without today's usage (the CLI's and other windows' read). */
export const OwnerStatus = request<StatusReport>()('owner/status', none);
export const ConfigsRaw = request<{ text: string }>()('configs/raw', z.object({ service }));
export const ConfigSave = request<ConfigView[]>()(
  'configs/save',
  z.object({
    service,
    /** The name being edited, when it is an edit (a different `name` renames it). */
    original: name.optional(),
    name,
    base_url: z.string().min(1).max(2048),
    auth_token: keyField,
    api_key: keyField,
    weight: z.number().finite().min(0).max(1_000_000).optional(),
  }),
);
export const ConfigSaveRaw = request<ConfigView[]>()('configs/saveRaw', z.object({ service, text: z.string().max(1_000_000) }));
export const ConfigDelete = request<ConfigView[]>()('configs/delete', z.object({ service, name }));
export const ConfigActivate = request<ConfigView[]>()('configs/activate', z.object({ service, name }));
export const ConfigTest = request<ConnectivityResult>()(
  'configs/test',
  z.object({ service, name, model: z.string().min(1).max(200), effort: z.enum(['minimal', 'low', 'medium', 'high']).optional() }),
);
export const FiltersGet = request<FiltersView>()('filters/get', none);
export const FiltersSave = request<FiltersView>()('filters/save', z.object({ rules: z.array(filterRuleSchema).max(500) }));
export const FiltersTry = request<FilterTry>()('filters/try', z.object({ rules: z.array(filterRuleSchema).max(500), sample: z.string().max(200_000), service }));
export const RoutesGet = request<RoutesView>()('routes/get', none);
export const RoutesSave = request<RoutesView>()('routes/save', z.object({ routes: routesFileSchema }));
export const RoutesTry = request<RouteDecision>()('routes/try', z.object({ routes: routesFileSchema, service, model: z.string().max(200), config: z.string().max(200).nullable() }));
export const PoolGet = request<PoolStatus>()('pool/get', z.object({ service }));
export const PoolAct = request<PoolStatus>()('pool/action', z.object({ service, action: poolActionSchema }));
export const LogsList = request<RequestRecord[]>()(
  'logs/list',
  z.object({ service: service.optional(), limit: z.number().int().min(1).max(1000).default(100), sinceMs: z.number().optional() }),
);
export const LogsGet = request<RequestDetail>()('logs/get', z.object({ id: z.string().regex(/^[A-Za-z0-9-]{6,64}$/) }));
export const UsageGet = request<UsageReport>()(
  'usage/get',
  z.object({ service: service.optional(), since: z.string().max(20).optional(), by: z.enum(['config', 'model', 'day']) }),
);

/** Every request, by method: the host's dispatch table is checked against this. */
export const REQUESTS = {
  [StatusGet.method]: StatusGet,
  [OwnerStatus.method]: OwnerStatus,
  [ConfigsRaw.method]: ConfigsRaw,
  [ConfigSave.method]: ConfigSave,
  [ConfigSaveRaw.method]: ConfigSaveRaw,
  [ConfigDelete.method]: ConfigDelete,
  [ConfigActivate.method]: ConfigActivate,
  [ConfigTest.method]: ConfigTest,
  [FiltersGet.method]: FiltersGet,
  [FiltersSave.method]: FiltersSave,
  [FiltersTry.method]: FiltersTry,
  [RoutesGet.method]: RoutesGet,
  [RoutesSave.method]: RoutesSave,
  [RoutesTry.method]: RoutesTry,
  [PoolGet.method]: PoolGet,
  [PoolAct.method]: PoolAct,
  [LogsList.method]: LogsList,
  [LogsGet.method]: LogsGet,
  [UsageGet.method]: UsageGet,
} as const;

export type Requests = typeof REQUESTS;
export type Method = keyof Requests;
export type AnyRequest = Requests[Method];
export type ParamsOf<T> = T extends RequestType<string, infer P, unknown> ? z.input<P> : never;
export type CheckedParamsOf<T> = T extends RequestType<string, infer P, unknown> ? z.output<P> : never;
export type ResultOf<T> = T extends RequestType<string, z.ZodType, infer R> ? R : never;

export function isMethod(value: string): value is Method {
  return Object.hasOwn(REQUESTS, value);
}

// Host -> page notifications.
export const DidStartRequest = notification<LiveStart>('request/didStart');
export const DidEndRequest = notification<LiveEnd>('request/didEnd');
/** Something the page shows changed outside a request (a config file edit, a pool action). */
export const DidChangeState = notification<{ reason: string }>('state/didChange');

/**
 * The envelopes over VS Code's postMessage. Over HTTP the same request is `POST /api/rpc/<method>`
 * with the params as its body, and notifications are server-sent events named by method.
 */
export type PageMessage = { kind: 'request'; id: number; method: string; params: unknown } | { kind: 'ready' };
export type HostMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorShape }
  | { kind: 'notify'; method: string; payload: unknown }
  /** The transport to the owner was lost and is back: the page re-reads everything. */
  | { kind: 'resync' };
