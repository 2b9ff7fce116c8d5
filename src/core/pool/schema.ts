import * as z from 'zod';
import type { PoolAction } from '../../shared/pool.ts';

/** The pool changes a user can ask for (see `PoolAction`), checked at the CLI and the dashboard. */
export const poolActionSchema: z.ZodType<PoolAction, PoolAction> = z.discriminatedUnion('action', [
  z.object({ action: z.literal('disable-today'), name: z.string().min(1) }),
  z.object({ action: z.literal('enable'), name: z.string().min(1) }),
  z.object({ action: z.literal('reset'), name: z.string().min(1).optional() }),
  z.object({ action: z.literal('pin'), name: z.string().min(1) }),
  z.object({ action: z.literal('weights'), weights: z.record(z.string().min(1), z.number().finite().min(0)) }),
  z.object({ action: z.literal('mode'), mode: z.enum(['active', 'pool']) }),
  z.object({ action: z.literal('order'), order: z.enum(['priority', 'weighted']) }),
]);
