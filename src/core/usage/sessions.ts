import { SeedGuard } from './seed-guard.ts';
import { NO_SESSION, type SessionMove, type SessionSummary } from '../../shared/sessions.ts';
import { isFailover, type RequestRecord } from '../../shared/records.ts';

const MAX_MOVES = 20;
const NUMBERS = [
  'requests',
  'errors',
  'input',
  'cached_create',
  'cached_read',
  'output',
  'total',
  'cost_usd',
  'unpriced',
  'estimated',
  'failovers',
  'filter_hits',
] as const;

export { NO_SESSION } from '../../shared/sessions.ts';

/** A session's key: ids are the clients' own, so the same id under two services is two sessions. */
const keyOf = (service: SessionSummary['service'], id: string) => `${service}\u0000${id}`;

/**
 * Every session the log holds, folded from its requests: the client's service, first and last
 * request, the configs and models it used, requests, errors, tokens by kind, cost, failovers and
 * filter hits. Kept from every finished request; what was logged before this owner started comes
 * through `seed`, once (none counted twice).
 */
export class SessionTracker {
  private readonly sessions = new Map<string, SessionSummary>();
  /** So a seed read afterwards counts none twice. */
  private readonly guard: SeedGuard;

  /** `since`: when this owner started; what started before comes from the log, through `seed`. */
  constructor(since: number) {
    this.guard = new SeedGuard(since);
  }

  get seeded(): boolean {
    return this.guard.seeded;
  }

  /** Ids kept to tell the seed's records from this owner's (only requests in flight when it started). */
  get remembered(): number {
    return this.guard.remembered;
  }

  private seeding: Promise<void> | null = null;
  private readonly projects = new Map<string, string>();
  /** Per session, the prompt size of its latest request per model (kept across a seed: it merges by time). */
  private contexts = new Map<string, Map<string, { at: number; used: number }>>();

  /**
   * Folds in the log, in the order requests finished (oldest first), one record at a time: the log is
   * never held whole (a month of heavy use is 300,000 records, ~200 MB as objects).
   */
  seed(records: Iterable<RequestRecord>): void {
    if (this.guard.seeded) return;
    const before = [...this.sessions.values()];
    this.sessions.clear();
    for (const r of records) if (this.guard.fromLog(r)) this.fold(r);
    this.guard.finish();
    // What this owner saw itself comes after the log's older records: fold those sessions in again.
    for (const s of before) this.merge(s);
  }

  /** Drops what it folded (prices changed, at `now`): the next `ready` seeds again from the log. */
  forget(now: number): void {
    this.sessions.clear();
    this.contexts.clear();
    this.guard.reset(now);
    this.seeding = null;
  }

  /** Seeds once by `seedFromLog` (which calls `seed` with the log), however many callers ask at once. */
  ready(seedFromLog: (() => Promise<void>) | null): Promise<void> {
    if (this.seeded || !seedFromLog) return Promise.resolve();
    this.seeding ??= seedFromLog();
    return this.seeding;
  }

  /** A session's project directory, as its statusline said (null when it never did). */
  projectOf(service: SessionSummary['service'], id: string | null): string | null {
    return id === null ? null : (this.projects.get(keyOf(service, id)) ?? null);
  }

  /** Records a session's project directory (Claude Code's statusline says it). */
  setProject(service: SessionSummary['service'], id: string, dir: string): void {
    this.projects.set(keyOf(service, id), dir);
    const s = this.sessions.get(keyOf(service, id));
    if (s) s.project = dir;
  }

  /** A session as folded from this owner's own requests, laid after the same session's older ones. */
  private merge(mine: SessionSummary): void {
    const key = keyOf(mine.service, mine.id);
    const old = this.sessions.get(key);
    if (!old) {
      this.sessions.set(key, mine);
      return;
    }
    if (old.last_config && mine.configs[0] && mine.configs[0] !== old.last_config)
      old.moves.push({ at: mine.first_at, from: old.last_config, to: mine.configs[0], why: 'switch' });
    old.moves.push(...mine.moves);
    old.moves.splice(0, Math.max(0, old.moves.length - MAX_MOVES));
    for (const c of mine.configs) if (!old.configs.includes(c)) old.configs.push(c);
    for (const m of mine.models) if (!old.models.includes(m)) old.models.push(m);
    old.first_at = Math.min(old.first_at, mine.first_at);
    if (mine.last_at >= old.last_at) {
      old.last_at = mine.last_at;
      old.last_config = mine.last_config;
      old.client = mine.client ?? old.client;
    }
    for (const k of NUMBERS) old[k] += mine[k];
    old.last_failover = mine.last_failover ?? old.last_failover;
    old.project = mine.project ?? old.project;
  }

  add(r: RequestRecord): void {
    this.guard.added(r);
    this.fold(r);
  }

  private fold(r: RequestRecord): void {
    const id = r.session_id ?? NO_SESSION;
    const key = keyOf(r.service, id);
    let s = this.sessions.get(key);
    if (!s) {
      s = {
        id,
        service: r.service,
        first_at: r.started_at,
        last_at: r.started_at,
        configs: [],
        models: [],
        requests: 0,
        errors: 0,
        input: 0,
        cached_create: 0,
        cached_read: 0,
        output: 0,
        total: 0,
        cost_usd: 0,
        unpriced: 0,
        estimated: 0,
        failovers: 0,
        filter_hits: 0,
        last_config: null,
        client: null,
        project: this.projects.get(key) ?? null,
        moves: [],
        context_tokens: 0,
        context_model: null,
        last_failover: null,
      };
      this.sessions.set(key, s);
    }
    s.first_at = Math.min(s.first_at, r.started_at);
    if (r.started_at >= s.last_at) {
      if (r.config && s.last_config && r.config !== s.last_config) this.moved(s, r);
      s.last_at = r.started_at;
      if (r.config) s.last_config = r.config;
      if (r.client) s.client = r.client;
    }
    if (r.config && !s.configs.includes(r.config)) s.configs.push(r.config);
    const model = r.model_sent ?? r.model_requested;
    if (model && !s.models.includes(model)) s.models.push(model);
    s.requests++;
    if (r.error) s.errors++;
    const u = r.usage;
    if (u) {
      this.noteContext(s, model ?? '', r.started_at, u.input + u.cached_create + u.cached_read);
      s.input += u.input;
      s.cached_create += u.cached_create;
      s.cached_read += u.cached_read;
      s.output += u.output;
      s.total += u.total;
      if (r.cost_usd === null) s.unpriced++;
      else {
        s.cost_usd += r.cost_usd;
        if (r.cost_estimated) s.estimated++;
      }
    }
    if (isFailover(r)) {
      s.failovers++;
      const first = r.trace?.find((t) => t.kind === 'attempt' && t.config !== r.config);
      s.last_failover = { at: r.started_at, from: first?.kind === 'attempt' ? first.config : '?', to: r.config };
    }
    for (const t of r.trace ?? []) if (t.kind === 'filters') s.filter_hits += Object.values(t.hits).reduce((a, b) => a + b, 0);
  }

  /** Keeps `used` as the session's latest prompt size for `model`; the session shows the largest model's. */
  private noteContext(s: SessionSummary, model: string, at: number, used: number): void {
    const key = keyOf(s.service, s.id);
    let per = this.contexts.get(key);
    if (!per) this.contexts.set(key, (per = new Map()));
    const had = per.get(model);
    if (!had || at >= had.at) per.set(model, { at, used });
    s.context_tokens = 0;
    s.context_model = null;
    for (const [m, c] of per) {
      if (c.used > s.context_tokens) {
        s.context_tokens = c.used;
        s.context_model = m || null;
      }
    }
  }

  private moved(s: SessionSummary, r: RequestRecord): void {
    const why: SessionMove['why'] = isFailover(r) ? 'failover' : r.trace?.some((t) => t.kind === 'bound') ? 'binding' : 'switch';
    s.moves.push({ at: r.started_at, from: s.last_config!, to: r.config!, why });
    if (s.moves.length > MAX_MOVES) s.moves.shift();
  }

  /** The sessions, the most recently active first. */
  list(limit = 200): SessionSummary[] {
    return [...this.sessions.values()].sort((a, b) => b.last_at - a.last_at || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }

  get(service: SessionSummary['service'], id: string | null): SessionSummary | null {
    return this.sessions.get(keyOf(service, id ?? NO_SESSION)) ?? null;
  }

  /** One session by its id or a unique prefix of it (at least 4 characters), or null. */
  find(idOrPrefix: string): SessionSummary | null {
    const hits = [...this.sessions.values()].filter((s) => s.id === idOrPrefix || (idOrPrefix.length >= 4 && s.id.startsWith(idOrPrefix)));
    const exact = hits.find((s) => s.id === idOrPrefix);
    return exact ?? (hits.length === 1 ? hits[0]! : null);
  }
}
