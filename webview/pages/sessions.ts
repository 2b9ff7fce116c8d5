import { html, nothing } from 'lit';
import type { DashboardState } from '../../src/shared/dashboard.ts';
import { SessionsBind, SessionsGet, SessionsList } from '../../src/shared/protocol.ts';
import type { RequestRecord } from '../../src/shared/records.ts';
import { NO_SESSION, type SessionSummary } from '../../src/shared/sessions.ts';
import { cacheHitShare } from '../../src/shared/usage.ts';
import { Page } from '../base.ts';
import { OPEN_REQUEST_EVENT, TOAST_EVENT } from '../events.ts';
import { compact, costCell, count, ms, percent, requestCost, shortId, time } from '../format.ts';

type Detail = SessionSummary & { recent: RequestRecord[] };

const cacheHit = (s: SessionSummary) => {
  const share = cacheHitShare(s);
  return share === null ? '–' : percent(share, 1);
};

/** Every Claude Code and Codex session: what each used and cost, and a switch for just one of them. */
export class ClpSessions extends Page {
  static override properties = { ...Page.properties, state: { attribute: false }, revision: { type: Number }, rows: { state: true }, detail: { state: true } };
  declare state: DashboardState;
  declare revision: number;
  declare rows: SessionSummary[] | null;
  declare detail: Detail | null;
  private loadedFor = -1;

  constructor() {
    super();
    this.rows = null;
    this.detail = null;
  }

  override updated(): void {
    if (this.revision === this.loadedFor) return;
    this.loadedFor = this.revision;
    void this.run(async () => {
      this.rows = await this.client.call(SessionsList, { limit: 200 });
      if (this.detail) this.detail = await this.client.call(SessionsGet, { id: this.detail.id });
    });
  }

  private async open(id: string): Promise<void> {
    const d = await this.run(() => this.client.call(SessionsGet, { id }));
    if (d) this.detail = d;
  }

  private async bind(s: SessionSummary, config: string | null): Promise<void> {
    const done = await this.run(() => this.client.call(SessionsBind, { id: s.id, config }));
    if (!done) return;
    this.detail = this.detail ? { ...this.detail, bound: done.bound ?? null } : null;
    this.rows = (this.rows ?? []).map((r) => (r.id === s.id && r.service === s.service ? { ...r, bound: done.bound ?? null } : r));
    this.dispatchEvent(
      new CustomEvent(TOAST_EVENT, {
        bubbles: true,
        detail: config
          ? `This session now stays on "${config}": its next request goes there, whatever the active config is.`
          : 'This session follows the active config again, from its next request.',
      }),
    );
  }

  override render() {
    const rows = this.rows;
    return html`
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${
        rows && !rows.length
          ? html`<div class="empty"><p>No sessions yet.</p><p class="muted">Each Claude Code or Codex conversation shows here once it sends a request through CLP: the configs and models it used, its tokens, cache hit rate and cost. A session can be kept on one provider while the others follow the active config (also from a terminal: <code>clp run --config NAME -- claude</code>).</p></div>`
          : nothing
      }
      <div class="split ${this.detail ? 'with-detail' : ''}">
        <div class="list">
          ${
            rows?.length
              ? html`<table class="grid sessions">
            <thead><tr><th>Session</th><th class="c-service">Service</th><th>Project</th><th>Config</th><th>Models</th><th class="num">Requests</th><th class="num c-tokens">Tokens</th><th class="num c-cache">Cache hit</th><th class="num">Cost</th><th>Last request</th></tr></thead>
            <tbody>
              ${rows.map(
                (
                  s,
                ) => html`<tr class="record ${this.detail?.id === s.id ? 'on' : ''}" data-id=${s.id} tabindex="0" @click=${() => void this.open(s.id)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && void this.open(s.id)}>
                  <td><code title=${s.id}>${shortId(s.id)}</code></td>
                  <td class="c-service" title=${s.client ?? ''}>${s.service}</td>
                  <td class="muted" title=${s.project ?? ''}>${s.project ? baseName(s.project) : '–'}</td>
                  <td class="nowrap">${s.bound ? html`${s.bound.join(', ')} <span class="tag">bound</span>` : (s.last_config ?? '–')}${!s.bound && s.configs.length > 1 ? html` <span class="muted">(+${s.configs.length - 1})</span>` : nothing}</td>
                  <td class="muted">${s.models.join(', ')}</td>
                  <td class="num">${count(s.requests)}${s.errors ? html` <span class="bad">(${s.errors} err)</span>` : nothing}</td>
                  <td class="num c-tokens" title=${count(s.total)}>${compact(s.total)}</td>
                  <td class="num c-cache">${cacheHit(s)}</td>
                  <td class="num">${costCell(s)}</td>
                  <td>${time(s.last_at)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
              : nothing
          }
        </div>
        ${this.detail ? this.renderDetail(this.detail) : nothing}
      </div>
    `;
  }

  private renderDetail(d: Detail) {
    const configs = this.state.configs[d.service].map((c) => c.name);
    const canBind = d.id !== NO_SESSION;
    return html`<aside class="panel detail session-detail" aria-label="session detail">
      <div class="row detail-head">
        <button class="back" @click=${() => (this.detail = null)}><i class="codicon codicon-arrow-left"></i> Back to the list</button>
        <h2>Session <code>${shortId(d.id)}</code> <span class="muted">${d.service}</span></h2><span class="grow"></span>
        <button class="close" title="close" aria-label="close" @click=${() => (this.detail = null)}><i class="codicon codicon-close"></i></button>
      </div>
      <dl class="kv">
        <dt>Id</dt><dd><code>${d.id}</code></dd>
        <dt>Active</dt><dd>${new Date(d.first_at).toLocaleString()} → ${time(d.last_at)}</dd>
        <dt>Client</dt><dd>${d.client ?? '–'}</dd>
        <dt>Project</dt><dd>${d.project ? html`<code>${d.project}</code>` : html`<span class="muted">not known yet (CLP's status line in Claude Code tells it)</span>`}</dd>
        <dt>Configs used</dt><dd>${d.configs.join(' → ') || '–'}</dd>
        <dt>Moves</dt><dd class="moves">${
          d.moves.length
            ? d.moves.map((m) => html`<div>${time(m.at)} ${m.from} → ${m.to} <span class="muted">(${MOVE_WHY[m.why]})</span></div>`)
            : html`<span class="muted">none: it stayed on ${d.last_config ?? 'one config'}</span>`
        }</dd>
        <dt>Models</dt><dd>${d.models.join(', ') || '–'}</dd>
        <dt>Requests</dt><dd>${count(d.requests)} · ${count(d.errors)} errors · ${d.failovers} failovers · ${d.filter_hits} filter hits</dd>
        <dt>Tokens</dt><dd>input ${count(d.input)} · cache write ${count(d.cached_create)} · cache read ${count(d.cached_read)} · output ${count(d.output)} · cache hit ${cacheHit(d)}</dd>
        <dt>Cost</dt><dd>${costCell(d)}</dd>
      </dl>
      ${
        canBind
          ? html`<div class="row bind-row">
            <label>Keep this session on
              <select class="bind" @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                void this.bind(d, v || null);
              }}>
                <option value="" ?selected=${!d.bound}>the active config (follow switches)</option>
                ${configs.map((c) => html`<option value=${c} ?selected=${d.bound?.[0] === c}>${c}</option>`)}
              </select>
            </label>
            <span class="muted">Only this session moves; the conversation carries on (signed history is handled as in a switch).</span>
          </div>`
          : html`<p class="muted">Requests without a session id (SDK scripts, the connectivity test) cannot be bound.</p>`
      }
      <h2>Latest requests</h2>
      <table class="grid compact">
        <thead><tr><th>Time</th><th>Config</th><th>Model</th><th>Status</th><th class="num">Duration</th><th class="num">Cost</th></tr></thead>
        <tbody>
          ${d.recent.map(
            (r) => html`<tr class="record" @click=${() => this.dispatchEvent(new CustomEvent(OPEN_REQUEST_EVENT, { bubbles: true, detail: r.id }))}>
              <td>${time(r.started_at)}</td><td>${r.config ?? '–'}</td><td>${r.model_sent ?? r.model_requested ?? '–'}</td>
              <td class=${r.error ? 'bad' : 'ok'}>${r.status ?? '–'}</td><td class="num">${ms(r.duration_ms)}</td><td class="num">${requestCost(r)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </aside>`;
  }
}
customElements.define('clp-sessions', ClpSessions);

const MOVE_WHY = { failover: 'failover', binding: 'bound', switch: 'active config switched' } as const;

/** The last part of a directory path, as a project is usually called. */
function baseName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? dir;
}
