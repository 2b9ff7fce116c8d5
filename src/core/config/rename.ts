import type { RouteRule } from '../../shared/rules.ts';
import type { ServiceHealth } from '../pool/health.ts';

/** Pure: the service's routes with every pin and match of `from` naming `to` instead (others untouched). */
export function renameInRoutes(rules: readonly RouteRule[], from: string, to: string): RouteRule[] {
  const one = (n: string) => (n === from ? to : n);
  return rules.map((r) => ({
    ...r,
    match: r.match.config === from ? { ...r.match, config: to } : r.match,
    ...(r.config === undefined ? {} : { config: Array.isArray(r.config) ? r.config.map(one) : one(r.config) }),
  }));
}

/** Pure: a pool's counters, exclusions, cool-downs and daily disables carried from `from` to `to`. */
export function renameInHealth(h: ServiceHealth, from: string, to: string): ServiceHealth {
  const move = <V>(rec: Record<string, V>): Record<string, V> => {
    if (!(from in rec)) return rec;
    const { [from]: value, ...rest } = rec;
    return { ...rest, [to]: value as V };
  };
  return {
    ...h,
    currentFailures: move(h.currentFailures),
    excludedConfigs: h.excludedConfigs.map((n) => (n === from ? to : n)),
    excludedTimestamps: move(h.excludedTimestamps),
    manualDisabledUntil: move(h.manualDisabledUntil),
    cooldownUntil: move(h.cooldownUntil),
    lastError: move(h.lastError),
  };
}
