import type { Outcome } from './classify.ts';

/**
 * One service's pool state. The first four fields are the original tool's `lb_config.json` fields,
 * kept with their meaning (exclusion timestamps in epoch seconds); `cooldownUntil` and `lastError`
 * are CLP's additions, which the original ignores.
 */
export interface ServiceHealth {
  failureThreshold: number;
  /** 0 means excluded configs come back only by a manual reset. */
  autoResetMinutes: number;
  currentFailures: Record<string, number>;
  excludedConfigs: string[];
  excludedTimestamps: Record<string, number>;
  /** `YYYY-MM-DD`: skipped for the rest of that local day. */
  manualDisabledUntil: Record<string, string>;
  /** Epoch ms until which a config sits out (429 retry-after, overload back-off, rejected credential). */
  cooldownUntil: Record<string, number>;
  lastError: Record<string, string>;
}

export function emptyHealth(): ServiceHealth {
  return {
    failureThreshold: 3,
    autoResetMinutes: 10,
    currentFailures: {},
    excludedConfigs: [],
    excludedTimestamps: {},
    manualDisabledUntil: {},
    cooldownUntil: {},
    lastError: {},
  };
}

export type Availability = { ok: true; probe: boolean } | { ok: false; why: string; until: number | null };

/**
 * Whether a config may take a request now. An excluded config whose cool-down has passed is allowed
 * again as a half-open probe: the real request is the probe, and one more failure excludes it again.
 */
export function availability(h: ServiceHealth, name: string, now: number, today: string): Availability {
  if (h.manualDisabledUntil[name] === today) return { ok: false, why: 'disabled for today', until: null };
  const cool = h.cooldownUntil[name];
  if (cool !== undefined && cool > now) {
    return { ok: false, why: `cooling down ${Math.ceil((cool - now) / 1000)} s (${h.lastError[name] ?? 'recent failure'})`, until: cool };
  }
  if (h.excludedConfigs.includes(name)) {
    const since = (h.excludedTimestamps[name] ?? 0) * 1000;
    const resetMs = h.autoResetMinutes * 60_000;
    if (h.autoResetMinutes > 0 && now - since >= resetMs) return { ok: true, probe: true };
    const until = h.autoResetMinutes > 0 ? since + resetMs : null;
    const tail = until ? `, back in ${Math.ceil((until - now) / 1000)} s` : ', until reset';
    return { ok: false, why: `${h.currentFailures[name] ?? h.failureThreshold} consecutive failures (${h.lastError[name] ?? 'failing'})${tail}`, until };
  }
  return { ok: true, probe: false };
}

/** The state after an attempt. Pure: returns a new object, with time passed in. */
export function recordOutcome(h: ServiceHealth, name: string, outcome: Outcome, now: number): ServiceHealth {
  if (outcome.class === 'client') return h;
  // The common case, a success for a config with a clean record, changes nothing: no copy, no write.
  if (outcome.class === 'ok' && !(name in h.currentFailures) && !(name in h.cooldownUntil) && !(name in h.lastError) && !h.excludedConfigs.includes(name))
    return h;
  const next: ServiceHealth = {
    ...h,
    currentFailures: { ...h.currentFailures },
    excludedConfigs: [...h.excludedConfigs],
    excludedTimestamps: { ...h.excludedTimestamps },
    cooldownUntil: { ...h.cooldownUntil },
    lastError: { ...h.lastError },
  };
  if (outcome.class === 'ok') {
    delete next.currentFailures[name];
    next.excludedConfigs = next.excludedConfigs.filter((n) => n !== name);
    delete next.excludedTimestamps[name];
    delete next.cooldownUntil[name];
    delete next.lastError[name];
    return next;
  }
  next.lastError[name] = outcome.reason;
  if (outcome.cooldownMs !== null) next.cooldownUntil[name] = now + outcome.cooldownMs;
  if (outcome.countsAsFailure) {
    const failures = (next.currentFailures[name] ?? 0) + 1;
    next.currentFailures[name] = failures;
    if (failures >= next.failureThreshold) {
      if (!next.excludedConfigs.includes(name)) next.excludedConfigs.push(name);
      next.excludedTimestamps[name] = now / 1000;
    }
  }
  return next;
}

/** Clears failures, exclusions and cool-downs (not daily disables), for one config or all. */
export function resetHealth(h: ServiceHealth, name?: string): ServiceHealth {
  if (!name) return { ...h, currentFailures: {}, excludedConfigs: [], excludedTimestamps: {}, cooldownUntil: {}, lastError: {} };
  return recordOutcome(h, name, { class: 'ok', failover: false, cooldownMs: null, countsAsFailure: false, reason: 'reset' }, 0);
}

export function disableToday(h: ServiceHealth, name: string, today: string): ServiceHealth {
  return { ...h, manualDisabledUntil: { ...h.manualDisabledUntil, [name]: today } };
}

/** Drops daily disables from past days (the original purged them lazily too). */
export function purgeOldDisables(h: ServiceHealth, today: string): ServiceHealth {
  const kept = Object.fromEntries(Object.entries(h.manualDisabledUntil).filter(([, day]) => day >= today));
  return Object.keys(kept).length === Object.keys(h.manualDisabledUntil).length ? h : { ...h, manualDisabledUntil: kept };
}
