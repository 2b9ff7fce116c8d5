import type { RequestRecord } from './records.ts';
import type { ServiceName } from './services.ts';
import type { StatusReport } from './status.ts';
import type { UsageTotals } from './usage.ts';
import type { FilterRuleInput, Routes } from './rules.ts';

/**
 * One upstream config as the dashboard sees it. Keys are masked (`sk-ant…wxyz`): the page never gets
 * a credential in full, and a masked value sent back means "keep the stored key".
 */
export interface ConfigView {
  name: string;
  base_url: string;
  auth_token: string | null;
  api_key: string | null;
  weight: number;
  active: boolean;
}

export interface ServiceToday {
  requests: number;
  errors: number;
  totals: UsageTotals;
  cost_usd: number;
}

/** What the overview needs in one round trip (and what a reconnect re-reads). */
export interface DashboardState {
  status: StatusReport;
  configs: Record<ServiceName, ConfigView[]>;
  today: Record<ServiceName, ServiceToday>;
}

export interface ConnectivityResult {
  ok: boolean;
  status: number | null;
  ms: number;
  url: string;
  /** The error, or the start of the reply: never the key. */
  message: string;
}

export interface FiltersView {
  rules: FilterRuleInput[];
  /** `file: path: message` while `filter.json` is broken (the page then shows it, and saving replaces it). */
  error: string | null;
  detectors: string[];
}

export interface FilterTry {
  output: string;
  hits: Record<string, number>;
}

export interface RoutesView {
  routes: Routes;
  error: string | null;
}

/** Live feed: a request began (its record arrives with `request/ended`). */
export interface LiveStart {
  id: string;
  service: ServiceName;
  config: string | null;
  model: string | null;
  path: string;
  stream: boolean;
  started_at: number;
}

export type LiveEnd = RequestRecord;
