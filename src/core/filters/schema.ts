import * as z from 'zod';
import { SERVICES } from '../../shared/services.ts';
import type { FilterRuleInput } from '../../shared/rules.ts';

/** One rule of `filter.json` (see `FilterRuleInput`); unknown fields are kept. */
export const filterRuleSchema: z.ZodType<FilterRuleInput, FilterRuleInput> = z.looseObject({
  source: z.string().min(1, 'must not be empty'),
  target: z.string().optional(),
  op: z.enum(['replace', 'remove']),
  match: z.enum(['literal', 'regex']).optional(),
  enabled: z.boolean().optional(),
  services: z.array(z.enum(SERVICES)).optional(),
  name: z.string().optional(),
});
