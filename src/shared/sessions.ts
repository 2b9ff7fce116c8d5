import type { ServiceName } from './services.ts';

/** What "no session" is called: requests without a session id (SDK scripts, the connectivity test). */
export const NO_SESSION = '(no session)';

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
  /** Of the priced requests, those priced by their model's family. */
  estimated: number;
  failovers: number;
  filter_hits: number;
  /** The configs it is bound to (`clp session bind`, the Sessions page), null when it follows the active one. */
  bound?: string[] | null;
  /** The client and version of its latest request (`claude-cli/2.1.332`), when it said. */
  client: string | null;
  /** Its project directory, once Claude Code's statusline (`clp statusline`) has told CLP. */
  project: string | null;
  /** Each time it went to another config than its previous request, the latest last (at most 20). */
  moves: SessionMove[];
  /**
   * What a model it moves to must hold: the prompt size (input + cache tokens) of its latest request
   * per model, the largest of those (a small model's background calls do not hide the conversation's size).
   */
  context_tokens: number;
  /** The model of that request (null before any usage). */
  context_model: string | null;
  /** Its latest failover, when it had one. */
  last_failover: { at: number; from: string; to: string | null } | null;
}

/** A session's move from one config to another, and why. */
export interface SessionMove {
  at: number;
  from: string;
  to: string;
  /** A failover (the first config failed), a binding (launch, /model, Sessions page), or a switch of the active config. */
  why: 'failover' | 'binding' | 'switch';
}
