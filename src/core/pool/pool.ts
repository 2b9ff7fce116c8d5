import { SERVICES, type ServiceName } from '../../shared/services.ts';
import type { ConfigSnapshot } from '../config/store.ts';
import { WatchedFile } from '../config/watched-file.ts';
import type { Logger } from '../log.ts';
import { localDay } from '../time.ts';
import { secondsText } from '../../shared/format.ts';
import { renameInHealth } from '../config/rename.ts';
import { MAX_RETRY_AFTER_MS, type Outcome } from './classify.ts';
import { availability, disableToday, emptyHealth, purgeOldDisables, recordOutcome, resetHealth, type ServiceHealth } from './health.ts';
import { parseLbFile, serializeLbFile, type LbFile } from './lb-file.ts';
import { byPriority, selectCandidates, type Plan } from './select.ts';
import type { PoolMode, PoolOrder, PoolStatus } from '../../shared/pool.ts';

const SESSION_TTL_MS = 2 * 60 * 60_000;
const MAX_SESSIONS = 10_000;

/** What happened to a config's account, for the other members of a team. */
export interface LocalAccountEvent {
  /** A 429's cool-down, a refused credential, a daily disable. */
  kind: 'cooldown' | 'credential' | 'disabled_today';
  /** Epoch ms it lasts until (null: the rest of the day, for a daily disable). */
  until: number | null;
  /** `HTTP 429, retry after 30 s`: the pool's own words, never a body. */
  reason: string;
}

function defaults(): LbFile {
  const services = {} as LbFile['services'];
  for (const s of SERVICES) services[s] = { mode: 'active', order: 'priority', health: emptyHealth() };
  return { raw: {}, services };
}

/**
 * The account pool of both services: which configs may take a request, in what order, and what each
 * attempt did to their health. The owner is the only writer of `data/lb_config.json` while it runs
 * (the CLI and the dashboard ask it), so counters are never clobbered; a hand edit is picked up.
 * State survives restarts through that file.
 */
export class Pool {
  private state: LbFile = defaults();
  private readonly file: WatchedFile<LbFile>;
  private persistTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private lastWritten = '';
  /** service + session id -> the config that last served it. */
  private readonly sessions = new Map<string, { name: string; at: number }>();
  /** service + config name -> its last error and last success (in memory: what this owner saw). */
  private readonly recent = new Map<string, { failure: { reason: string; at: number; cleared?: true } | null; okAt: number | null }>();

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
    /** The cap on an upstream's `retry-after` (setting maxRetryAfterSec). */
    readonly maxRetryAfterMs: number = MAX_RETRY_AFTER_MS,
  ) {
    this.file = new WatchedFile<LbFile>(path, parseLbFile, defaults(), (value, s) => {
      if (s.error) log.warn(`${s.error} (pool state kept in memory; the file is not written over)`);
      else if (serializeLbFile(value) !== this.lastWritten) this.state = value;
    });
  }

  async start(): Promise<void> {
    await this.file.reload();
    this.state = this.file.value();
    this.lastWritten = serializeLbFile(this.state);
    this.file.watch();
  }

  mode(service: ServiceName): PoolMode {
    return this.state.services[service].mode;
  }

  private health(service: ServiceName): ServiceHealth {
    const p = this.state.services[service];
    const purged = purgeOldDisables(p.health, localDay(this.now()));
    if (purged !== p.health) p.health = purged;
    return p.health;
  }

  private sessionKey(service: ServiceName, session: string): string {
    return `${service}\u0000${session}`;
  }

  /** The config that last served this session, while the affinity is fresh. */
  lastUpstream(service: ServiceName, session: string | null): string | null {
    if (!session) return null;
    const hit = this.sessions.get(this.sessionKey(service, session));
    if (!hit || this.now() - hit.at > SESSION_TTL_MS) return null;
    return hit.name;
  }

  /** Remembers which config served a session: its next requests go there first while it is healthy. */
  served(service: ServiceName, session: string | null, name: string): void {
    if (!session) return;
    const key = this.sessionKey(service, session);
    this.sessions.delete(key);
    this.sessions.set(key, { name, at: this.now() });
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
  }

  plan(service: ServiceName, snapshot: ConfigSnapshot, session: string | null, pinned: readonly string[] | null, pinnedBy?: string): Plan {
    const p = this.state.services[service];
    return selectCandidates({
      entries: snapshot.entries,
      active: snapshot.active,
      mode: p.mode,
      order: p.order,
      health: this.health(service),
      now: this.now(),
      today: localDay(this.now()),
      random: this.random,
      sticky: this.lastUpstream(service, session),
      pinned,
      ...(pinnedBy ? { pinnedBy } : {}),
    });
  }

  /**
   * Seconds until the first of `names` comes back, for the `retry-after` of CLP's own 503: at least
   * 1, at most `capMs`; `fallbackMs` when none of them says (disabled for today, say).
   */
  retryAfterSec(service: ServiceName, names: readonly string[], capMs = this.maxRetryAfterMs, fallbackMs = 30_000): number {
    const h = this.health(service);
    const now = this.now();
    const today = localDay(now);
    let soonest = Infinity;
    for (const name of names) {
      const a = availability(h, name, now, today);
      if (!a.ok && a.until !== null) soonest = Math.min(soonest, a.until - now);
    }
    const ms = Number.isFinite(soonest) ? soonest : fallbackMs;
    return Math.max(1, Math.ceil(Math.min(ms, capMs) / 1000));
  }

  /**
   * Records an attempt's outcome. In `active` mode nothing is counted, as in the original, but the
   * last error and the last success are remembered in every mode, so that a dead key shows on the
   * Configs and Pool pages. Returns what the pool did about it, in words, when it did anything.
   */
  report(service: ServiceName, name: string, outcome: Outcome): string | null {
    this.remember(service, name, outcome);
    // What the account's other users should know (team mode), in every mode.
    if ((outcome.class === 'rate_limit' || outcome.class === 'auth') && outcome.cooldownMs !== null)
      this.onAccountEvent?.(service, name, {
        kind: outcome.class === 'auth' ? 'credential' : 'cooldown',
        until: this.now() + outcome.cooldownMs,
        reason: outcome.reason,
      });
    const p = this.state.services[service];
    if (p.mode === 'active') return null;
    const next = recordOutcome(p.health, name, outcome, this.now());
    if (next === p.health) return null;
    p.health = next;
    this.schedulePersist();
    const a = availability(next, name, this.now(), localDay(this.now()));
    return a.ok ? null : a.why.startsWith('cooling down') ? `cooling down ${secondsText(a.until! - this.now())}` : 'left out of the pool';
  }

  private remember(service: ServiceName, name: string, outcome: Outcome): void {
    if (outcome.class === 'client') return;
    const key = this.sessionKey(service, name);
    const seen = this.recent.get(key) ?? { failure: null, okAt: null };
    if (outcome.class === 'ok') seen.okAt = this.now();
    else seen.failure = { reason: outcome.reason, at: this.now() };
    this.recent.set(key, seen);
  }

  /** The last error and the last success of a config, as this owner saw them. */
  recentOf(service: ServiceName, name: string): { failure: { reason: string; at: number; cleared?: true } | null; okAt: number | null } {
    return this.recent.get(this.sessionKey(service, name)) ?? { failure: null, okAt: null };
  }

  status(service: ServiceName, snapshot: ConfigSnapshot): PoolStatus {
    const p = this.state.services[service];
    const h = this.health(service);
    const now = this.now();
    const today = localDay(now);
    const members = byPriority(snapshot.entries).map((e) => {
      const a = availability(h, e.name, now, today);
      return {
        name: e.name,
        weight: e.weight,
        active: e.name === snapshot.active?.name,
        available: a.ok,
        why: a.ok ? (a.probe ? 'half-open: the next request is the probe' : null) : a.why,
        failures: h.currentFailures[e.name] ?? 0,
        disabledToday: h.manualDisabledUntil[e.name] === today,
        lastError: h.lastError[e.name] ?? null,
        lastFailure: this.recentOf(service, e.name).failure,
        lastOkAt: this.recentOf(service, e.name).okAt,
      };
    });
    return { service, mode: p.mode, order: p.order, failureThreshold: h.failureThreshold, autoResetMinutes: h.autoResetMinutes, members };
  }

  disableToday(service: ServiceName, name: string): void {
    const p = this.state.services[service];
    p.health = disableToday(p.health, name, localDay(this.now()));
    this.schedulePersist(0);
    this.onAccountEvent?.(service, name, { kind: 'disabled_today', until: null, reason: 'disabled for today' });
  }

  /** Called with what happened to a config's account that its other users should know (team mode sets it). */
  onAccountEvent: ((service: ServiceName, name: string, e: LocalAccountEvent) => void) | null = null;

  /**
   * An event another team member saw on an account this config uses: it sits out as if seen here
   * (cool-down until the same time, or the rest of today), and says who saw it. Not passed on again.
   */
  applyRemote(service: ServiceName, name: string, e: LocalAccountEvent & { member: string }): void {
    const p = this.state.services[service];
    const now = this.now();
    if (e.kind === 'disabled_today') p.health = disableToday(p.health, name, localDay(now));
    else {
      if (e.until === null || e.until <= now) return;
      const h = p.health;
      const until = Math.max(h.cooldownUntil[name] ?? 0, e.until);
      p.health = { ...h, cooldownUntil: { ...h.cooldownUntil, [name]: until }, lastError: { ...h.lastError, [name]: `${e.reason}, seen by ${e.member}` } };
    }
    this.remember(service, name, { class: 'server', failover: true, cooldownMs: null, countsAsFailure: false, reason: `${e.reason}, seen by ${e.member}` });
    this.schedulePersist(0);
  }

  /**
   * Clears failures, cool-downs and daily disables: of one config, or of all. ("Reset all" and a
   * config's own reset mean the same thing, for every config or for one.)
   */
  reset(service: ServiceName, name?: string): void {
    const p = this.state.services[service];
    let h = resetHealth(p.health, name);
    if (name) {
      const { [name]: _dropped, ...rest } = h.manualDisabledUntil;
      h = { ...h, manualDisabledUntil: rest };
    } else h = { ...h, manualDisabledUntil: {} };
    p.health = h;
    // The last error stays in view, but no longer makes the config look failing.
    for (const [key, seen] of this.recent) {
      if (seen.failure && (name ? key === this.sessionKey(service, name) : key.startsWith(`${service}\u0000`)))
        seen.failure = { ...seen.failure, cleared: true };
    }
    this.schedulePersist(0);
  }

  /** A config renamed: its counters, cool-downs, daily disable and sessions go with it. */
  rename(service: ServiceName, from: string, to: string): void {
    const p = this.state.services[service];
    p.health = renameInHealth(p.health, from, to);
    const seen = this.recent.get(this.sessionKey(service, from));
    if (seen) {
      this.recent.delete(this.sessionKey(service, from));
      this.recent.set(this.sessionKey(service, to), seen);
    }
    for (const [key, hit] of this.sessions) if (key.startsWith(`${service}\u0000`) && hit.name === from) hit.name = to;
    this.schedulePersist(0);
  }

  /** Takes a daily disable back: the config may take requests again at once. */
  enable(service: ServiceName, name: string): void {
    const p = this.state.services[service];
    const { [name]: _dropped, ...rest } = p.health.manualDisabledUntil;
    p.health = { ...p.health, manualDisabledUntil: rest };
    this.schedulePersist(0);
  }

  setMode(service: ServiceName, mode: PoolMode, order?: PoolOrder): void {
    const p = this.state.services[service];
    p.mode = mode;
    if (order) p.order = order;
    this.schedulePersist(0);
  }

  private schedulePersist(delayMs = 500): void {
    if (this.persistTimer) {
      if (delayMs > 0) return;
      clearTimeout(this.persistTimer);
    }
    this.persistTimer = setTimeout(() => void this.persist(), delayMs);
    this.persistTimer.unref();
  }

  /** Writes the state (atomically, under the file lock), unless the file on disk is broken. */
  persist(): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.writing = this.writing.then(async () => {
      if (!this.file.state().ok) return;
      const text = serializeLbFile(this.state);
      if (text === this.lastWritten) return;
      this.lastWritten = text;
      await this.file.save(text).catch((err: Error) => this.log.error(`cannot save ${this.path}: ${err.message}`));
    });
    return this.writing;
  }

  async close(): Promise<void> {
    this.file.close();
    await this.persist();
  }
}
