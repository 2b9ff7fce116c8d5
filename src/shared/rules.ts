import type { ServiceName } from './services.ts';

/**
 * One rule of `filter.json`, in the original tool's format (`source`, `target`, `op`) plus:
 * - `match`: `literal` or `regex`. A rule without it is a regex, as the original read every rule, so
 *   its files keep their meaning; rules CLP writes say `literal` unless asked otherwise.
 * - `enabled`, `services` (both when absent) and an optional `name` for the record.
 * Unknown fields are kept. Checked by `core/filters/schema.ts`.
 */
export interface FilterRuleInput {
  source: string;
  target?: string;
  op: 'replace' | 'remove';
  match?: 'literal' | 'regex';
  enabled?: boolean;
  services?: ServiceName[];
  name?: string;
  [field: string]: unknown;
}

/**
 * One rule of `$CLP_HOME/routes.json`: per service, rules in order. A rule matches on the requested
 * model (exact, or a glob with `*`) and/or the config that would be chosen; its actions rewrite the
 * model and/or pin a config. Rewrites and pins combine: the first matching rule that rewrites sets
 * the model, the first that pins sets the config. Checked by `core/routing/schema.ts`.
 */
export interface RouteRule {
  name?: string;
  enabled?: boolean;
  match: { model?: string; config?: string };
  model?: string;
  /** One config, or several: a sub-pool, ordered and failed over like the pool. */
  config?: string | string[];
  [field: string]: unknown;
}

/** A rule as written: `match` may be left out (it then matches every request). */
export type RouteRuleInput = Omit<RouteRule, 'match'> & { match?: RouteRule['match'] };

/** The file as checked, and as a caller may write it. */
export type RoutesFile = { [S in ServiceName]?: RouteRule[] } & { [field: string]: unknown };
export type RoutesFileInput = { [S in ServiceName]?: RouteRuleInput[] } & { [field: string]: unknown };

export type Routes = Record<ServiceName, RouteRule[]>;

export interface RouteDecision {
  /** The model to send, when a rule rewrote it. */
  model: string | null;
  /** The config (or sub-pool of configs) a rule pinned. */
  config: string[] | null;
  /** Labels of the rules that matched (`name` or `#index`). */
  matched: string[];
}
