import type { DashboardState, ConfigView, ConnectivityResult, FiltersView, FilterTry, LiveEnd, LiveStart, OverviewData, RoutesView } from './dashboard.ts';
import type { LogsQuery, RequestDetail, RequestRecord, UsageGroupBy, UsageReport } from './records.ts';
import type { ServiceName } from './services.ts';
import type { PoolAction, PoolStatus } from './pool.ts';
import type { FilterRuleInput, RouteDecision, RoutesFile, RoutesFileInput } from './rules.ts';
import type { ErrorShape } from './errors.ts';
import type { StatusReport } from './status.ts';
import type { SessionSummary } from './sessions.ts';
import type { TeamAccount, TeamGroupBy, TeamUsageReport } from './team.ts';

/**
 * The one message protocol between the dashboard and its host, used by both sides: the Lit page,
 * the :3300 server, the VS Code webview host and the owner client. Each request is a value that
 * carries its method and, as phantom types, its params (as a caller writes them, and as the handler
 * gets them once checked, defaults filled in) and its result. Plain data: the host checks params
 * against its own schemas (`core/web/params.ts`), so nothing here ships a validation library to the
 * page. Methods are `noun/verb`.
 */
export interface RequestType<M extends string, P, R, C = P> {
  readonly method: M;
  /** Never set: carry the types. */
  readonly params?: P;
  readonly checked?: C;
  readonly result?: R;
}

export interface NotificationType<T> {
  readonly method: string;
  readonly payload?: T;
}

function request<P, R, C = P>() {
  return <M extends string>(method: M): RequestType<M, P, R, C> => ({ method });
}
function notification<T>(method: string): NotificationType<T> {
  return { method };
}

type None = Record<string, never>;
type OfService = { service: ServiceName };
type Named = { service: ServiceName; name: string };

/** A key field from a form: a full key, a masked one (keep what is stored), or empty/null (none). */
type KeyField = string | null;

export interface ConfigSaveParams {
  service: ServiceName;
  /** The name being edited, when it is an edit (a different `name` renames it). */
  original?: string;
  name: string;
  base_url: string;
  auth_token?: KeyField;
  api_key?: KeyField;
  weight?: number;
}
export interface ConfigTestParams extends Named {
  model: string;
  effort?: 'minimal' | 'low' | 'medium' | 'high';
}
export type LogsListParams = Omit<LogsQuery, 'limit'> & { limit?: number };
export interface UsageGetParams {
  service?: ServiceName;
  since?: string;
  by: UsageGroupBy;
  /** Only the `top` largest groups per service (by tokens): a month holds thousands of sessions. */
  top?: number;
}

export const StatusGet = request<None, DashboardState>()('status/get');
/** Who owns the ports and each service's state, without today's usage (the CLI's and other windows' read). */
export const OwnerStatus = request<None, StatusReport>()('owner/status');
/** The file with keys masked; `broken` is its error while it does not load (the text is then as written, to repair). */
export const ConfigsRaw = request<OfService, { text: string; broken: string | null }>()('configs/raw');
export const ConfigSave = request<ConfigSaveParams, ConfigView[]>()('configs/save');
export const ConfigSaveRaw = request<OfService & { text: string }, ConfigView[]>()('configs/saveRaw');
export const ConfigDelete = request<Named, ConfigView[]>()('configs/delete');
export const ConfigActivate = request<Named, ConfigView[]>()('configs/activate');
export const ConfigTest = request<ConfigTestParams, ConnectivityResult>()('configs/test');
export const FiltersGet = request<None, FiltersView>()('filters/get');
export const FiltersSave = request<{ rules: FilterRuleInput[] }, FiltersView>()('filters/save');
/** Switches the built-in detectors (saved in settings.json as `filters.detectors`; the next request uses them). */
export const FiltersDetectors = request<{ detectors: string[] }, FiltersView>()('filters/detectors');
export const FiltersTry = request<{ rules: FilterRuleInput[]; sample: string; service: ServiceName }, FilterTry>()('filters/try');
export const RoutesGet = request<None, RoutesView>()('routes/get');
export const RoutesSave = request<{ routes: RoutesFileInput }, RoutesView, { routes: RoutesFile }>()('routes/save');
export const RoutesTry = request<
  { routes: RoutesFileInput; service: ServiceName; model: string; config: string | null },
  RouteDecision,
  { routes: RoutesFile; service: ServiceName; model: string; config: string | null }
>()('routes/try');
export const PoolGet = request<OfService, PoolStatus>()('pool/get');
export const PoolAct = request<OfService & { action: PoolAction }, PoolStatus>()('pool/action');
export const LogsList = request<LogsListParams, RequestRecord[], LogsListParams & { limit: number }>()('logs/list');
export const LogsGet = request<{ id: string }, RequestDetail>()('logs/get');
export const UsageGet = request<UsageGetParams, UsageReport>()('usage/get');
/** Every session the log holds, the most recent first; one by id or prefix. */
export const SessionsList = request<{ service?: ServiceName; limit?: number }, SessionSummary[], { service?: ServiceName; limit: number }>()('sessions/list');
export const SessionsGet = request<{ id: string }, SessionSummary & { recent: RequestRecord[] }>()('sessions/get');
/** Binds a session to a config (or unbinds it with `config: null`): it stays there whatever the active config is. */
export const SessionsBind = request<{ id: string; config: string | null }, SessionSummary>()('sessions/bind');
/** The recent sessions that follow the active config and use more context than `config`'s models hold. */
export const SessionsFit = request<{ service: ServiceName; config: string }, Array<{ id: string; used: number; window: number; model: string | null }>>()(
  'sessions/fit',
);
/** Today per config, the last minutes' activity and the last errors and failovers, from the owner's own figures. */
export const OverviewGet = request<{ spanMs?: number; stepMs?: number }, OverviewData, { spanMs: number; stepMs: number }>()('overview/get');

/** Team mode: totals over every member's requests, from the team database. */
export const TeamUsage = request<{ service?: ServiceName; since?: string; by: TeamGroupBy }, TeamUsageReport>()('team/usage');
/** Team mode: the accounts the team used in the last day, who used them, and their health as any member saw it. */
export const TeamAccounts = request<None, TeamAccount[]>()('team/accounts');

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
  [FiltersDetectors.method]: FiltersDetectors,
  [RoutesGet.method]: RoutesGet,
  [RoutesSave.method]: RoutesSave,
  [RoutesTry.method]: RoutesTry,
  [PoolGet.method]: PoolGet,
  [PoolAct.method]: PoolAct,
  [LogsList.method]: LogsList,
  [LogsGet.method]: LogsGet,
  [UsageGet.method]: UsageGet,
  [OverviewGet.method]: OverviewGet,
  [SessionsList.method]: SessionsList,
  [SessionsGet.method]: SessionsGet,
  [SessionsBind.method]: SessionsBind,
  [SessionsFit.method]: SessionsFit,
  [TeamUsage.method]: TeamUsage,
  [TeamAccounts.method]: TeamAccounts,
} as const;

export type Requests = typeof REQUESTS;
export type Method = keyof Requests;
export type AnyRequest = Requests[Method];
export type ParamsOf<T> = T extends RequestType<string, infer P, unknown, unknown> ? P : never;
export type CheckedParamsOf<T> = T extends RequestType<string, unknown, unknown, infer C> ? C : never;
export type ResultOf<T> = T extends RequestType<string, unknown, infer R, unknown> ? R : never;

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
export type PageMessage = { kind: 'request'; id: number; method: string; params: unknown };
export type HostMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorShape }
  | { kind: 'notify'; method: string; payload: unknown }
  /** The transport to the owner was lost and is back: the page re-reads everything. */
  | { kind: 'resync' };
