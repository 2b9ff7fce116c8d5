import type { ServiceName } from '../../../shared/services.ts';
import type { StatusReport } from '../../../shared/status.ts';
import type { CheckedParamsOf, Method, Requests, ResultOf } from '../../../shared/protocol.ts';
import type { ConfigStore } from '../../config/store.ts';
import type { FilterSet } from '../../filters/filter-set.ts';
import type { CodeFilters } from '../../filters/code-filters.ts';
import type { Pool } from '../../pool/pool.ts';
import type { RouteSet } from '../../routing/route-set.ts';
import type { RequestStore } from '../../store/request-store.ts';
import type { TodayTracker } from '../../usage/today.ts';
import type { SessionTracker } from '../../usage/sessions.ts';
import type { SessionBindings } from '../../pool/bindings.ts';
import type { TeamLink } from '../../team/link.ts';

/** What the dashboard's handlers work on: the owner's own objects, each the one writer of its file. */
export interface DashboardDeps {
  status: () => StatusReport;
  stores: Readonly<Record<ServiceName, ConfigStore>>;
  pool: Pool;
  filters: FilterSet;
  codeFilters: CodeFilters;
  /** Where `filters.detectors` is saved. */
  settingsFile: string;
  routeSet: RouteSet;
  requests: () => RequestStore | null;
  /** Today's figures, kept from every finished request. */
  today: TodayTracker;
  /** Every session the log holds, kept from every finished request. */
  sessions: SessionTracker;
  /** Resolves once `sessions` holds the whole log (seeded once, on first use). */
  sessionsReady: () => Promise<void>;
  bindings: SessionBindings;
  now: () => number;
  /** The team link, in team mode. */
  team: () => TeamLink | null;
  /** Tells every open page that something it shows changed. */
  changed: (reason: string) => void;
}

/** One handler per protocol method; params arrive already checked. */
export type Handlers = { [M in Method]: (params: CheckedParamsOf<Requests[M]>) => Promise<ResultOf<Requests[M]>> };

/** The handlers of some methods: each resource's file gives its share. */
export type HandlersOf<M extends Method> = Pick<Handlers, M>;
