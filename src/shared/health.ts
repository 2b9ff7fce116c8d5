import type { PoolMember, PoolStatus } from './pool.ts';
import type { ServiceStatus } from './status.ts';

/** Green, yellow, red: the dashboard's dots, the status bar's background, the CLI's words. */
export type HealthLevel = 'ok' | 'warn' | 'bad';

export interface Health {
  level: HealthLevel;
  /** In words, short: `serving with relay-a`, `claude.json is broken: the last good version serves`. */
  text: string;
}

/** A failure this recent, with no success after it, makes a config yellow. */
const RECENT_FAILURE_MS = 10 * 60_000;

/**
 * Pure: one config's health. Red when it may not take requests (left out after failures, disabled
 * for today), yellow while it cools down, or when its last answer, in the last minutes, was an error.
 */
export function memberHealth(m: PoolMember, now: number): Health {
  if (!m.available) return { level: m.why?.startsWith('cooling down') ? 'warn' : 'bad', text: m.why ?? 'unavailable' };
  const f = m.lastFailure;
  if (f && !f.cleared && now - f.at < RECENT_FAILURE_MS && (m.lastOkAt === null || m.lastOkAt < f.at))
    return { level: 'warn', text: `last request failed: ${f.reason}` };
  if (m.why) return { level: 'warn', text: m.why };
  return { level: 'ok', text: 'available' };
}

/**
 * Pure: one service's health. Green only when what serves (the active config, or the pool) can
 * serve; yellow for placeholder mode, a broken config file, configs cooling down or failing; red
 * when nothing can serve.
 */
export function serviceHealth(s: ServiceStatus, pool: PoolStatus | null, now: number): Health {
  if (!s.running) return { level: 'bad', text: `not listening on port ${s.port}` };
  const broken = s.config.error ? `${s.config.file.split(/[\\/]/).pop()} is broken` : null;
  if (s.placeholder)
    return { level: 'warn', text: broken ? `${broken} and no good version was loaded: nothing to serve with` : 'no config yet: add one on the Configs page' };
  const members = pool?.members ?? [];
  const tail = broken ? `; ${broken}: the last good version serves` : '';
  if (!pool || pool.mode === 'active') {
    const active = members.find((m) => m.active);
    const h = active ? memberHealth(active, now) : null;
    if (h && h.level !== 'ok') return { level: h.level === 'bad' && pool?.mode === 'active' ? 'warn' : h.level, text: `${s.active}: ${h.text}${tail}` };
    return { level: broken ? 'warn' : 'ok', text: `serving with ${s.active}${tail}` };
  }
  const healths = members.map((m) => memberHealth(m, now));
  const usable = members.filter((m) => m.available).length;
  if (usable === 0) return { level: 'bad', text: `no config can serve: all ${members.length} are cooling down, left out or disabled${tail}` };
  const off = healths.filter((h) => h.level !== 'ok').length;
  if (off) return { level: 'warn', text: `pool: ${usable} of ${members.length} configs can serve${tail}` };
  return { level: broken ? 'warn' : 'ok', text: `pool: all ${members.length} configs can serve${tail}` };
}

/**
 * Pure: CLP's health as one colour (the dashboard's header, the VS Code status bar). A service with
 * no config yet counts only when neither has one: a Claude-only user is not yellow forever.
 */
export function overallHealth(
  services: Record<string, ServiceStatus>,
  pools: Partial<Record<string, PoolStatus>> | undefined,
  now: number,
): { level: HealthLevel; problems: Health[] } {
  const names = Object.keys(services);
  const inUse = names.filter((n) => !services[n]!.placeholder);
  if (!inUse.length) return { level: 'warn', problems: [{ level: 'warn', text: 'no config yet: add one on the Configs page' }] };
  const problems = inUse.map((n) => serviceHealth(services[n]!, pools?.[n] ?? null, now)).filter((h) => h.level !== 'ok');
  return { level: problems.some((h) => h.level === 'bad') ? 'bad' : problems.length ? 'warn' : 'ok', problems };
}
