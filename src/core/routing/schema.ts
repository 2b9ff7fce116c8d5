import * as z from 'zod';
import { SERVICES } from '../../shared/services.ts';
import type { RouteRule, RouteRuleInput, RoutesFile, RoutesFileInput } from '../../shared/rules.ts';

/** One rule of `routes.json` (see `RouteRule`): it needs a rewrite or a pin. */
export const routeRuleSchema: z.ZodType<RouteRule, RouteRuleInput> = z
  .looseObject({
    name: z.string().optional(),
    enabled: z.boolean().optional(),
    match: z.object({ model: z.string().min(1).optional(), config: z.string().min(1).optional() }).prefault({}),
    model: z.string().min(1).optional(),
    config: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  })
  .refine((r) => r.model !== undefined || r.config !== undefined, 'a rule needs `model` (rewrite) or `config` (pin)');

export const routesFileSchema = z.looseObject(Object.fromEntries(SERVICES.map((s) => [s, z.array(routeRuleSchema).optional()]))) as unknown as z.ZodType<
  RoutesFile,
  RoutesFileInput
>;
