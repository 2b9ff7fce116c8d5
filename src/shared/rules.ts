import { z } from 'zod';
import { SERVICES, type ServiceName } from './services.ts';

/**
 * One rule of `filter.json`, in the original tool's format (`source`, `target`, `op`) plus:
 * - `match`: `literal` or `regex`. A rule without it is a regex, as the original read every rule, so
 *   its files keep their meaning; rules CLP writes say `literal` unless asked otherwise.
 * - `enabled`, `services` (both when absent) and an optional `name` for the record.
 */
export const filterRuleSchema = z.looseObject({
  source: z.string().min(1, 'must not be empty'),
  target: z.string().optional(),
  op: z.enum(['replace', 'remove']),
  match: z.enum(['literal', 'regex']).optional(),
  enabled: z.boolean().optional(),
  services: z.array(z.enum(SERVICES)).optional(),
  name: z.string().optional(),
});

export type FilterRuleInput = z.infer<typeof filterRuleSchema>;

/**
 * `$CLP_HOME/routes.json`: per service, rules in order. A rule matches on the requested model (exact,
 * or a glob with `*`) and/or the config that would be chosen; its actions rewrite the model and/or pin
 * a config. Rewrites and pins combine: the first matching rule that rewrites sets the model, the first
 * that pins sets the config.
 */
export const routeRuleSchema = z
  .looseObject({
    name: z.string().optional(),
    enabled: z.boolean().optional(),
    match: z.object({ model: z.string().min(1).optional(), config: z.string().min(1).optional() }).prefault({}),
    model: z.string().min(1).optional(),
    /** One config, or several: a sub-pool, ordered and failed over like the pool. */
    config: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  })
  .refine((r) => r.model !== undefined || r.config !== undefined, 'a rule needs `model` (rewrite) or `config` (pin)');

export const routesFileSchema = z.looseObject(Object.fromEntries(SERVICES.map((s) => [s, z.array(routeRuleSchema).optional()])) as Record<ServiceName, z.ZodOptional<z.ZodArray<typeof routeRuleSchema>>>);
export type RouteRule = z.infer<typeof routeRuleSchema>;
export type Routes = Record<ServiceName, RouteRule[]>;

export interface RouteDecision {
  /** The model to send, when a rule rewrote it. */
  model: string | null;
  /** The config (or sub-pool of configs) a rule pinned. */
  config: string[] | null;
  /** Labels of the rules that matched (`name` or `#index`). */
  matched: string[];
}
