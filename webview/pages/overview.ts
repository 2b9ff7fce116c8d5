import { html, nothing } from 'lit';
import type { DashboardState, LiveStart, OverviewData } from '../../src/shared/dashboard.ts';
import { memberHealth, serviceHealth } from '../../src/shared/health.ts';
import { ConfigActivate, OverviewGet } from '../../src/shared/protocol.ts';
import { isFailover, type RequestRecord } from '../../src/shared/records.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { SERVICE_PROFILE } from '../../src/shared/service-profile.ts';
import { cacheHitShare } from '../../src/shared/usage.ts';
import { Page } from '../base.ts';
import { compact, costCell, costText, count, money, ms, percent, time } from '../format.ts';
import { GO_EVENT, OPEN_REQUEST_EVENT, TOAST_EVENT } from '../events.ts';

const SPAN_MS = 30 * 60_000;
const STEP_MS = 60_000;
/** The overview re-reads the owner's figures at most this often while requests stream in. */
const REFRESH_MS = 1500;

/** Each service and config at a glance, a one-click switch, the last errors, the last half hour live. */
export class ClpOverview extends Page {
  static override properties = {
    ...Page.properties,
    state: { attribute: false },
    records: { attribute: false },
    inflight: { attribute: false },
    data: { state: true },
    offline: { attribute: false },
  };
  declare state: DashboardState;
  declare records: RequestRecord[];
  declare inflight: Map<string, LiveStart>;
  declare data: OverviewData | null;
  /** CLP does not answer: no health is claimed, the figures are the last ones read. */
  declare offline: boolean;
  private timer: number | undefined;
  private pending: number | undefined;
  private lastRead = 0;

  constructor() {
    super();
    this.data = null;
    this.offline = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The chart's window slides even while nothing happens.
    this.timer = window.setInterval(() => this.refresh(), 10_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
    window.clearTimeout(this.pending);
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('records') || changed.has('state')) this.refresh();
  }

  private refresh(): void {
    if (this.pending !== undefined) return;
    const wait = Math.max(0, this.lastRead + REFRESH_MS - Date.now());
    this.pending = window.setTimeout(() => {
      this.lastRead = Date.now();
      void this.run(async () => {
        this.data = await this.client.call(OverviewGet, { spanMs: SPAN_MS, stepMs: STEP_MS });
      }).finally(() => (this.pending = undefined));
    }, wait);
  }

  private async switchTo(service: ServiceName, name: string): Promise<void> {
    const was = this.state.status.services[service].active;
    const done = await this.run(() => this.client.call(ConfigActivate, { service, name }));
    if (done)
      this.dispatchEvent(
        new CustomEvent(TOAST_EVENT, {
          bubbles: true,
          detail: `${SERVICE_PROFILE[service].label} now uses "${name}"${was && was !== name ? ` instead of "${was}"` : ''}: the next request goes there, the conversation carries on.`,
        }),
      );
  }

  override render() {
    return html`
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${(this.state.context_warnings ?? []).map(
        (w) =>
          html`<div class="banner warn context-warning" role="status">Session <code>${w.id.slice(0, 8)}</code> (${w.service}) uses ${count(w.used)} tokens of context; ${w.model ?? 'its model'} on <strong>${w.config}</strong> holds ${count(w.window)}. Its next request will overflow: compact it in the client, or <a href="#sessions" @click=${(e: Event) => this.go(e, 'sessions')}>keep it on a larger config</a>.</div>`,
      )}
      <section class="cards">${SERVICES.map((s) => this.serviceCard(s))}</section>
      <div class="two-wide">
        ${this.activityPanel()} ${this.recentPanel()}
      </div>
      ${this.state.status.team && this.state.status.team.state !== 'off' ? html`<clp-team-accounts .client=${this.client} .team=${this.state.status.team}></clp-team-accounts>` : nothing}
    `;
  }

  private serviceCard(service: ServiceName) {
    const st = this.state.status.services[service];
    const pool = this.state.pools[service];
    const today = this.state.today[service];
    const configs = this.state.configs[service];
    const now = Date.now();
    const health = this.offline ? { level: 'off', text: 'unknown: CLP is not reachable' } : serviceHealth(st, pool, now);
    const ov = this.data?.services[service];
    const t = today.totals;
    const hit = cacheHitShare(t);
    return html`
      <article class="card" data-service=${service}>
        <header>
          <span class="dot ${health.level}" title=${health.level}></span>
          <h2>${SERVICE_PROFILE[service].label}</h2>
          <code class="muted">${st.url}</code>
          <span class="grow"></span>
          <span class="tag">${pool.mode === 'pool' ? `pool · ${pool.order === 'weighted' ? 'spread by weight' : 'by weight'}` : 'active config'}</span>
        </header>
        <p class="health ${health.level}" data-level=${health.level}>${health.text}</p>
        ${st.config.error ? html`<div class="banner error">${st.config.error} <a href="#configs" @click=${(e: Event) => this.go(e, 'configs')}>Fix it on the Configs page</a></div>` : nothing}
        <label class="row">
          <span>${pool.mode === 'pool' ? 'Preferred config' : 'Active config'}</span>
          ${
            configs.length
              ? html`<select class="switch" data-service=${service} @change=${(e: Event) => void this.switchTo(service, (e.target as HTMLSelectElement).value)}>
                ${configs.map((c) => html`<option value=${c.name} ?selected=${c.active}>${c.name}</option>`)}
              </select>`
              : html`<span class="muted">none yet: <a href="#configs" @click=${(e: Event) => this.go(e, 'configs')}>add one under Configs</a></span>`
          }
        </label>
        <dl class="stats">
          <div><dt>Requests today</dt><dd class="today-requests">${count(today.requests)}</dd></div>
          <div><dt>Errors</dt><dd class=${today.errors ? 'bad' : ''} title="${today.errors} of ${today.requests}">${percent(today.errors, today.requests)}</dd></div>
          <div><dt>Tokens</dt><dd title=${count(t.total)}>${compact(t.total)}</dd></div>
          <div><dt>Cost</dt><dd class="today-cost" title=${costText(t)}>${costCell(t)}</dd></div>
          <div><dt>p50 first byte</dt><dd>${ms(ov?.p50_ttfb_ms)}</dd></div>
          <div><dt>p50 total</dt><dd>${ms(ov?.p50_ms)}</dd></div>
          <div><dt>Cache hit</dt><dd title="cache read over all input">${hit === null ? '–' : percent(hit, 1)}</dd></div>
        </dl>
        ${configs.length ? this.configRows(service) : nothing}
      </article>
    `;
  }

  private configRows(service: ServiceName) {
    const pool = this.state.pools[service];
    const ov = this.data?.services[service];
    const now = Date.now();
    return html`<table class="grid compact config-rows">
      <thead><tr><th>Config</th><th>Health</th><th class="num">Req</th><th class="num">Err</th><th class="num">p50</th><th class="num">Cost today</th><th>Last error</th></tr></thead>
      <tbody>
        ${pool.members.map((m) => {
          const h = this.offline ? { level: 'off', text: 'unknown' } : memberHealth(m, now);
          const d = ov?.configs[m.name];
          const last = d?.last_error ?? (m.lastFailure ? { at: m.lastFailure.at, error: m.lastFailure.reason, id: null, status: null } : null);
          return html`<tr data-name=${m.name}>
            <td class="name">${m.name}${m.active ? html` <span class="tag">active</span>` : nothing}</td>
            <td><span class="dot ${h.level}"></span> <span class="health-word ${h.level}">${h.level === 'ok' ? 'ok' : h.text}</span></td>
            <td class="num">${d ? count(d.requests) : 0}</td>
            <td class="num ${d?.errors ? 'bad' : ''}">${d ? count(d.errors) : 0}</td>
            <td class="num">${ms(d?.p50_ms)}</td>
            <td class="num">${d ? costCell(d) : money(0)}</td>
            <td class="muted">${last ? html`${time(last.at)} · ${last.error}` : '–'}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  private activityPanel() {
    const a = this.data?.activity;
    const sum = (xs: number[] | undefined) => (xs ?? []).reduce((x, y) => x + y, 0);
    return html`<section class="panel activity">
      <h2>Last 30 minutes <span class="muted">per minute · ${this.inflight.size} in flight</span></h2>
      ${
        a
          ? html`<clp-chart
            class="live-chart"
            .height=${240}
            .data=${[a.x.map((x) => x / 1000), a.requests, a.errors, a.tokens]}
            .series=${[
              { label: 'requests', color: '#3794ff', bars: true },
              { label: 'errors', color: '#f14c4c', bars: true },
              { label: 'tokens', color: '#89d185', right: true },
            ]}
          ></clp-chart>
          <div class="legend">
            <span><i class="swatch sw-blue"></i> requests <strong class="legend-requests">${count(sum(a.requests))}</strong></span>
            <span><i class="swatch sw-red"></i> errors <strong class="legend-errors">${count(sum(a.errors))}</strong></span>
            <span><i class="swatch sw-green"></i> tokens <strong class="legend-tokens">${count(sum(a.tokens))}</strong> <span class="muted">(right axis)</span></span>
          </div>`
          : html`<p class="muted">Loading…</p>`
      }
    </section>`;
  }

  private recentPanel() {
    const recent = this.data?.recent ?? [];
    return html`<section class="panel recent">
      <h2>Last errors and failovers</h2>
      ${
        recent.length
          ? html`<ul class="recent-list">
            ${recent.map(
              (r) => html`<li>
                <a href="#requests" class="open-request" data-id=${r.id} @click=${(e: Event) => (e.preventDefault(), this.open(r.id))}>
                  <span class="muted">${time(r.started_at)}</span> ${r.service} · ${r.config ?? '–'} ·
                  <span class=${r.error ? 'bad' : 'ok'}>${r.status ?? '–'} ${r.error ?? 'failed over'}</span>
                  ${isFailover(r) ? html`<span class="tag">failover</span>` : nothing}
                </a>
              </li>`,
            )}
          </ul>`
          : html`<p class="muted">No errors or failovers today. When a request fails or moves to another config, it shows here with a link to its whole story.</p>`
      }
    </section>`;
  }

  private open(id: string): void {
    this.dispatchEvent(new CustomEvent(OPEN_REQUEST_EVENT, { bubbles: true, detail: id }));
  }

  private go(e: Event, page: string): void {
    e.preventDefault();
    this.dispatchEvent(new CustomEvent(GO_EVENT, { bubbles: true, detail: page }));
  }
}
customElements.define('clp-overview', ClpOverview);
