import type { SessionSummary } from '../../shared/sessions.ts';
import { isFailover, type RequestRecord } from '../../shared/records.ts';

/** What "no session" is called: requests without a session id (SDK scripts, the connectivity test). */
export const NO_SESSION = '(no session)';

/**
 * Every session the log holds, folded from its requests: the client's service, first and last
 * request, the configs and models it used, requests, errors, tokens by kind, cost, failovers and
 * filter hits. Kept from every finished request; what was logged before this owner started comes
 * through `seed`, once (none counted twice).
 */
export class SessionTracker {
  private readonly sessions = new Map<string, SessionSummary>();
  private added: Set<string> | null = new Set();

  get seeded(): boolean {
    return this.added === null;
  }

  seed(records: Iterable<RequestRecord>): void {
    const added = this.added;
    if (!added) return;
    this.added = null;
    for (const r of records) if (!added.has(r.id)) this.fold(r);
  }

  add(r: RequestRecord): void {
    this.added?.add(r.id);
    this.fold(r);
  }

  private fold(r: RequestRecord): void {
    const id = r.session_id ?? NO_SESSION;
    const key = `${r.service}\u0000${id}`;
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
        failovers: 0,
        filter_hits: 0,
        last_config: null,
      };
      this.sessions.set(key, s);
    }
    s.first_at = Math.min(s.first_at, r.started_at);
    if (r.started_at >= s.last_at) {
      s.last_at = r.started_at;
      s.last_config = r.config;
    }
    if (r.config && !s.configs.includes(r.config)) s.configs.push(r.config);
    const model = r.model_sent ?? r.model_requested;
    if (model && !s.models.includes(model)) s.models.push(model);
    s.requests++;
    if (r.error) s.errors++;
    const u = r.usage;
    if (u) {
      s.input += u.input;
      s.cached_create += u.cached_create;
      s.cached_read += u.cached_read;
      s.output += u.output;
      s.total += u.total;
      if (r.cost_usd === null) s.unpriced++;
      else s.cost_usd += r.cost_usd;
    }
    if (isFailover(r)) s.failovers++;
    for (const t of r.trace ?? []) if (t.kind === 'filters') s.filter_hits += Object.values(t.hits).reduce((a, b) => a + b, 0);
  }

  /** The sessions, the most recently active first. */
  list(limit = 200): SessionSummary[] {
    return [...this.sessions.values()].sort((a, b) => b.last_at - a.last_at || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }

  /** One session by its id or a unique prefix of it (at least 4 characters), or null. */
  find(idOrPrefix: string): SessionSummary | null {
    const hits = [...this.sessions.values()].filter((s) => s.id === idOrPrefix || (idOrPrefix.length >= 4 && s.id.startsWith(idOrPrefix)));
    const exact = hits.find((s) => s.id === idOrPrefix);
    return exact ?? (hits.length === 1 ? hits[0]! : null);
  }
}
