import type { RequestRecord } from './records.ts';
import type { ServiceName } from './services.ts';
import type { StatusReport } from './status.ts';
import type { PoolStatus } from './pool.ts';
import type { UsageTotals } from './usage.ts';
import type { FilterRuleInput, Routes } from './rules.ts';
import type { FilterModuleView } from './filter-modules.ts';

export type { FilterModuleView } from './filter-modules.ts';

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
  /** It passes Anthropic's API through unchanged, tool search included. */
  tool_search?: true;
  /** Its models and their context windows, when it names them (`models: claude-opus-4-8 (1M)`). */
  windows?: string;
  model_windows?: Array<{ model: string; window: number | null }>;
  /** Its costs are list price times this (shown when not 1). */
  price_multiplier?: number;
  /** The last connectivity test of this config since CLP started. */
  last_test?: ConnectivityResult;
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
  /** Each service's pool: mode and every config's health (what the health colours are made of). */
  pools: Record<ServiceName, PoolStatus>;
  /** Recent sessions the active config's model cannot hold: their next request would overflow it. */
  context_warnings?: ContextWarning[];
}

/** A session that uses more context than the model it follows now holds. */
export interface ContextWarning {
  service: ServiceName;
  id: string;
  config: string;
  model: string | null;
  used: number;
  window: number;
}

export interface ConnectivityResult {
  ok: boolean;
  status: number | null;
  ms: number;
  url: string;
  /** The error, or the start of the reply: never the key. */
  message: string;
  /** The model tested. */
  model: string;
  /** What a failure means and what to check, in words; null when it worked. */
  hint: string | null;
  /** The models the upstream lists, when a test failed and the upstream lists any. */
  models: string[] | null;
  /** When the test ran (epoch ms). */
  at: number;
}

export interface FiltersView {
  rules: FilterRuleInput[];
  /** The filter modules in the order they run, with their hits (empty without `filters/`). */
  modules?: FilterModuleView[];
  /** `file: path: message` while `filter.json` is broken (the page then shows it, and saving replaces it). */
  error: string | null;
  /** The built-in detectors switched on, and all there are. */
  detectors: string[];
  detectorsAvailable: string[];
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

/** One config's day so far, as the Overview and Configs pages show it. */
export interface ConfigToday {
  requests: number;
  errors: number;
  cost_usd: number;
  unpriced: number;
  /** Of the priced requests, those priced by their model's family. */
  estimated: number;
  /** Medians over today's requests that got an answer; null before the first. */
  p50_ms: number | null;
  p50_ttfb_ms: number | null;
  last_error: { at: number; id: string; status: number | null; error: string } | null;
}

export interface ServiceOverview {
  p50_ms: number | null;
  p50_ttfb_ms: number | null;
  configs: Record<string, ConfigToday>;
}

/** Per-minute counts over the last minutes, from every request the owner logged (not a page's copy). */
export interface Activity {
  /** Bucket starts, epoch ms. */
  x: number[];
  requests: number[];
  errors: number[];
  tokens: number[];
}

export interface OverviewData {
  services: Record<ServiceName, ServiceOverview>;
  activity: Activity;
  /** The last errors and failovers, newest first. */
  recent: RequestRecord[];
}
