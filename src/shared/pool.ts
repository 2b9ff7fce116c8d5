import type { ServiceName } from './services.ts';

/** `active`: the active config only (the original's "by active state"); `pool`: every config, failed over. */
export type PoolMode = 'active' | 'pool';
/** In pool mode: strict order by weight, or a weighted random spread. */
export type PoolOrder = 'priority' | 'weighted';

/** One config's line in `clp pool` and the dashboard: order, weight and health, never a key. */
export interface PoolMember {
  name: string;
  weight: number;
  active: boolean;
  available: boolean;
  why: string | null;
  failures: number;
  disabledToday: boolean;
  lastError: string | null;
  /** The last error this config gave and when (epoch ms), in any mode; kept after a later success. `cleared` once reset. */
  lastFailure: { reason: string; at: number; cleared?: true } | null;
  /** When it last answered well (epoch ms). */
  lastOkAt: number | null;
}

export interface PoolStatus {
  service: ServiceName;
  mode: PoolMode;
  order: PoolOrder;
  failureThreshold: number;
  autoResetMinutes: number;
  members: PoolMember[];
}

/** The pool changes a user can ask for, from `clp pool` or the dashboard; checked by `core/pool/schema.ts`. */
export type PoolAction =
  | { action: 'disable-today'; name: string }
  | { action: 'enable'; name: string }
  | { action: 'reset'; name?: string }
  | { action: 'pin'; name: string }
  /** Sets these configs' weights (the Pool page's undo of a pin). */
  | { action: 'weights'; weights: Record<string, number> }
  | { action: 'mode'; mode: PoolMode }
  | { action: 'order'; order: PoolOrder };
