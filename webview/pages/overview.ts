import { html, nothing } from 'lit';
import type { DashboardState, LiveStart } from '../../src/shared/dashboard.ts';
import { ConfigActivate } from '../../src/shared/protocol.ts';
import type { RequestRecord } from '../../src/shared/records.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { SERVICE_PROFILE } from '../../src/shared/service-profile.ts';
import { activity } from '../activity.ts';
import { Page } from '../base.ts';
import { compact, money, percent } from '../format.ts';

const WINDOW_MS = 15 * 60_000;
const STEP_MS = 30_000;

/** Each service at a glance, a one-click switch, today's numbers and the last minutes live. */
export class ClpOverview extends Page {
  static override properties = {
    ...Page.properties,
    state: { attribute: false },
    records: { attribute: false },
    inflight: { attribute: false },
    tick: { state: true },
  };
  declare state: DashboardState;
  declare records: RequestRecord[];
  declare inflight: Map<string, LiveStart>;
  declare tick: number;
  private timer: number | undefined;

  constructor() {
    super();
    this.tick = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The chart's window slides even while nothing happens.
    this.timer = window.setInterval(() => (this.tick = Date.now()), 5_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
  }

  private switchTo(service: ServiceName, name: string): void {
    void this.run(() => this.client.call(ConfigActivate, { service, name }));
  }

  override render() {
    const a = activity(this.records, Math.max(this.tick, Date.now()), WINDOW_MS, STEP_MS);
    return html`
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      <section class="cards">${SERVICES.map((s) => this.serviceCard(s))}</section>
      <section class="panel">
        <h2>Last 15 minutes <span class="muted">(${this.inflight.size} in flight)</span></h2>
        <clp-chart
          class="live-chart"
          .data=${[a.x, a.requests, a.errors, a.tokens]}
          .series=${[
            { label: 'requests', color: '#3794ff', bars: true },
            { label: 'errors', color: '#f14c4c', bars: true },
            { label: 'tokens', color: '#89d185', right: true },
          ]}
        ></clp-chart>
      </section>
    `;
  }

  private serviceCard(service: ServiceName) {
    const st = this.state.status.services[service];
    const today = this.state.today[service];
    const configs = this.state.configs[service];
    return html`
      <article class="card" data-service=${service}>
        <header>
          <span class="dot ${st.running ? 'ok' : 'off'}"></span>
          <h2>${SERVICE_PROFILE[service].label}</h2>
          <code class="muted">${st.url}</code>
        </header>
        ${st.config.error ? html`<div class="banner error">${st.config.error}</div>` : nothing}
        <label class="row">
          <span>Active config</span>
          ${
            configs.length
              ? html`<select class="switch" data-service=${service} @change=${(e: Event) => this.switchTo(service, (e.target as HTMLSelectElement).value)}>
                ${configs.map((c) => html`<option value=${c.name} ?selected=${c.active}>${c.name}</option>`)}
              </select>`
              : html`<span class="muted">none yet: add one under Configs</span>`
          }
        </label>
        <dl class="stats">
          <div><dt>Requests today</dt><dd class="today-requests">${today.requests}</dd></div>
          <div><dt>Tokens</dt><dd>${compact(today.totals.total)}</dd></div>
          <div><dt>Cost</dt><dd>${money(today.cost_usd)}${today.totals.unpriced ? html`<span class="muted" title="requests whose model has no price">+${today.totals.unpriced}?</span>` : nothing}</dd></div>
          <div><dt>Errors</dt><dd class=${today.errors ? 'bad' : ''}>${percent(today.errors, today.requests)}</dd></div>
        </dl>
      </article>
    `;
  }
}
customElements.define('clp-overview', ClpOverview);
