import type { ServiceName } from './services.ts';

/** One client session as CLP saw it (Claude Code's session id, Codex's session or thread id). */
export interface SessionSummary {
  id: string;
  service: ServiceName;
  /** Epoch ms of its first and last request. */
  first_at: number;
  last_at: number;
  /** Every config and model it used, in the order first used. */
  configs: string[];
  models: string[];
  /** The config of its last request. */
  last_config: string | null;
  requests: number;
  errors: number;
  input: number;
  cached_create: number;
  cached_read: number;
  output: number;
  total: number;
  cost_usd: number;
  unpriced: number;
  failovers: number;
  filter_hits: number;
  /** The configs it is bound to (`clp session bind`, the Sessions page), null when it follows the active one. */
  bound?: string[] | null;
}
