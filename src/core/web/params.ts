import * as z from 'zod';
import { DETECTOR_NAMES, type DetectorName } from '../filters/detectors.ts';
import type { CheckedParamsOf, Method, ParamsOf, Requests } from '../../shared/protocol.ts';
import { SERVICES } from '../../shared/services.ts';
import { TEAM_GROUPS } from '../../shared/team.ts';
import { filterRuleSchema } from '../filters/schema.ts';
import { poolActionSchema } from '../pool/schema.ts';
import { routesFileSchema } from '../routing/schema.ts';

const service = z.enum(SERVICES);
const name = z.string().min(1).max(200);
const none = z.object({}).strict();
/** A key field from a form: a full key, a masked one (keep what is stored), or empty (none). */
const keyField = z.string().max(4096).nullable().optional();

/**
 * The params of every protocol request, checked by the host on every transport before its handler
 * runs. Each schema is typed against the protocol's own params types, so the two cannot drift.
 */
export const PARAMS: { [M in Method]: z.ZodType<CheckedParamsOf<Requests[M]>, ParamsOf<Requests[M]>> } = {
  'status/get': none,
  'owner/status': none,
  'configs/raw': z.object({ service }),
  'configs/save': z.object({
    service,
    original: name.optional(),
    name,
    base_url: z.string().min(1).max(2048),
    auth_token: keyField,
    api_key: keyField,
    weight: z.number().finite().min(0).max(1_000_000).optional(),
  }),
  'configs/saveRaw': z.object({ service, text: z.string().max(1_000_000) }),
  'configs/delete': z.object({ service, name }),
  'configs/activate': z.object({ service, name }),
  'configs/test': z.object({ service, name, model: z.string().min(1).max(200), effort: z.enum(['minimal', 'low', 'medium', 'high']).optional() }),
  'filters/get': none,
  'filters/save': z.object({ rules: z.array(filterRuleSchema).max(500) }),
  'filters/try': z.object({ rules: z.array(filterRuleSchema).max(500), sample: z.string().max(200_000), service }),
  'routes/get': none,
  'routes/save': z.object({ routes: routesFileSchema }),
  'routes/try': z.object({ routes: routesFileSchema, service, model: z.string().max(200), config: z.string().max(200).nullable() }),
  'pool/get': z.object({ service }),
  'pool/action': z.object({ service, action: poolActionSchema }),
  'logs/list': z.object({
    service: service.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    sinceMs: z.number().optional(),
    config: z.string().max(200).optional(),
    model: z.string().max(200).optional(),
    status: z.enum(['ok', 'error', '4xx', '5xx']).optional(),
    text: z.string().max(200).optional(),
    before: z.object({ at: z.number(), id: z.string().max(64) }).optional(),
    session: z.string().max(200).nullable().optional(),
  }),
  'logs/get': z.object({ id: z.string().regex(/^[A-Za-z0-9-]{6,64}$/) }),
  'filters/detectors': z.object({ detectors: z.array(z.enum(DETECTOR_NAMES as [DetectorName, ...DetectorName[]])).max(20) }),
  'sessions/list': z.object({ service: service.optional(), limit: z.number().int().min(1).max(1000).default(200) }),
  'sessions/get': z.object({ id: z.string().min(4).max(200) }),
  'sessions/fit': z.object({ service, config: z.string().min(1).max(200) }),
  'sessions/bind': z.object({ id: z.string().min(4).max(200), config: z.string().min(1).max(200).nullable() }),
  'overview/get': z.object({
    spanMs: z
      .number()
      .int()
      .min(60_000)
      .max(3_600_000)
      .default(30 * 60_000),
    stepMs: z.number().int().min(10_000).max(600_000).default(60_000),
  }),
  'team/usage': z.object({ service: service.optional(), since: z.string().max(20).optional(), by: z.enum(TEAM_GROUPS) }),
  'team/accounts': none,
  'usage/get': z.object({
    service: service.optional(),
    since: z.string().max(20).optional(),
    by: z.enum(['config', 'model', 'day', 'session', 'project']),
    top: z.number().int().min(1).max(100_000).optional(),
  }),
};
