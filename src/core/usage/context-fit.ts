import type { UpstreamConfig } from '../config/schema.ts';
import { findModel } from '../providers/catalogue.ts';
import { MODELS } from '../providers/catalogues.ts';

/** The context window of `model` behind `config`: the config's own figure, else the catalogue's, else null (unknown). */
export function windowOf(config: Pick<UpstreamConfig, 'contextWindow'>, model: string | null): number | null {
  return config.contextWindow ?? findModel(MODELS, model)?.entry.window ?? null;
}

/** What the plan knows of a session before it moves: the prompt size of its latest request and where that went. */
export interface SessionContext {
  used: number;
  config: string | null;
}

/**
 * Whether sending the session to `config` with `model` would overflow the model's window: only for
 * a move (another config than its latest request's), with both figures known. Pure.
 */
export function overflow(session: SessionContext | null, config: UpstreamConfig, model: string | null): { window: number; used: number } | null {
  if (!session?.used || session.config === null || session.config === config.name) return null;
  const window = windowOf(config, model);
  return window !== null && session.used > window ? { window, used: session.used } : null;
}
