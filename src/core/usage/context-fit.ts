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

/** A config's models with their windows, as `clp list`, `clp active` and the quick pick show them; empty when it names none. */
export function windowsOf(config: Pick<UpstreamConfig, 'contextWindow' | 'models'>): Array<{ model: string; window: number | null }> {
  return config.models.map((model) => ({ model, window: windowOf(config, model) }));
}

/** `1M`, `128K`, `200K` — a window as people say it. Pure. */
export function windowText(tokens: number): string {
  return tokens >= 1_000_000 && tokens % 1_000_000 < 100_000 ? `${Math.round(tokens / 1_000_000)}M` : `${Math.round(tokens / 1000)}K`;
}

/** `models: claude-opus-4-8 (1M), glm-4.6 (128K)`, or null when the config names no models. Pure. */
export function windowsLine(config: Pick<UpstreamConfig, 'contextWindow' | 'models'>): string | null {
  const w = windowsOf(config);
  if (!w.length) return config.contextWindow ? `window ${windowText(config.contextWindow)}` : null;
  return `models: ${w.map((x) => `${x.model}${x.window ? ` (${windowText(x.window)})` : ''}`).join(', ')}`;
}
