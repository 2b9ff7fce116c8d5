import { html, nothing } from 'lit';
import { UsageGet } from '../../src/shared/protocol.ts';
import type { UsageReport } from '../../src/shared/records.ts';
import { SERVICES } from '../../src/shared/services.ts';
import { USAGE_METRICS, type UsageTotals } from '../../src/shared/usage.ts';
import { Page } from '../base.ts';
import { compact, money } from '../format.ts';

const RANGES = [
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
  ['90d', 'last 90 days'],
  ['all', 'all time'],
] as const;

/** Tokens and cost over time, by day, config and model. */
export class ClpUsage extends Page {
  static override properties = {
    ...Page.properties,
    revision: { type: Number },
    since: { state: true },
    days: { state: true },
    configs: { state: true },
    models: { state: true },
  };
  declare revision: number;
  declare since: string;
  declare days: UsageReport | null;
  declare configs: UsageReport | null;
  declare models: UsageReport | null;
  private loadedFor = '';

  constructor() {
    super();
    this.since = '30d';
    this.days = null;
    this.configs = null;
    this.models = null;
  }

  override updated(): void {
    const key = `${this.since}:${this.revision}`;
    if (key === this.loadedFor) return;
    this.loadedFor = key;
    void this.run(async () => {
      const [days, configs, models] = await Promise.all(
        (['day', 'config', 'model'] as const).map((by) => this.client.call(UsageGet, { by, since: this.since })),
      );
      this.days = days ?? null;
      this.configs = configs ?? null;
      this.models = models ?? null;
    });
  }

  override render() {
    return html`
      <div class="toolbar">
        <select class="since" @change=${(e: Event) => (this.since = (e.target as HTMLSelectElement).value)}>
          ${RANGES.map(([v, label]) => html`<option value=${v} ?selected=${v === this.since}>${label}</option>`)}
        </select>
      </div>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.days ? this.chart(this.days) : nothing}
      <div class="two">
        ${this.configs ? this.table('By config', this.configs, 'configs') : nothing} ${this.models ? this.table('By model', this.models, 'models') : nothing}
      </div>
    `;
  }

  private chart(report: UsageReport) {
    const days = new Map<string, { tokens: number; cost: number; input: number; output: number; cached: number }>();
    for (const s of SERVICES) {
      for (const [day, t] of Object.entries(report.services[s]?.days ?? {})) {
        const d = days.get(day) ?? { tokens: 0, cost: 0, input: 0, output: 0, cached: 0 };
        d.tokens += t.total;
        d.cost += t.cost_usd;
        d.input += t.input;
        d.output += t.output;
        d.cached += t.cached_read + t.cached_create;
        days.set(day, d);
      }
    }
    const sorted = [...days.entries()].sort(([a], [b]) => a.localeCompare(b));
    const x = sorted.map(([day]) => new Date(`${day}T12:00:00`).getTime() / 1000);
    return html`<section class="panel">
      <h2>Tokens and cost per day</h2>
      ${
        sorted.length
          ? html`<clp-chart
            class="usage-chart"
            days
            .height=${240}
            .data=${[x, sorted.map(([, d]) => d.input), sorted.map(([, d]) => d.cached), sorted.map(([, d]) => d.output), sorted.map(([, d]) => d.cost)]}
            .series=${[
              { label: 'input', color: '#3794ff', bars: true },
              { label: 'cache', color: '#b180d7', bars: true },
              { label: 'output', color: '#89d185', bars: true },
              { label: 'cost $', color: '#cca700', right: true },
            ]}
          ></clp-chart>`
          : html`<p class="muted">No usage in this range yet.</p>`
      }
    </section>`;
  }

  private table(title: string, report: UsageReport, key: 'configs' | 'models') {
    const rows: Array<[string, string, UsageTotals]> = [];
    for (const s of SERVICES) for (const [name, t] of Object.entries(report.services[s]?.[key] ?? {})) rows.push([s, name, t]);
    rows.sort((a, b) => b[2].total - a[2].total);
    return html`<section class="panel">
      <h2>${title}</h2>
      <table class="grid usage-table">
        <thead><tr><th>Service</th><th>${key === 'configs' ? 'Config' : 'Model'}</th><th>Requests</th>${USAGE_METRICS.map((m) => html`<th>${m}</th>`)}<th>Cost</th></tr></thead>
        <tbody>
          ${rows.map(
            ([s, name, t]) =>
              html`<tr><td>${s}</td><td>${name}</td><td>${t.requests}</td>${USAGE_METRICS.map((m) => html`<td title=${t[m]}>${compact(t[m])}</td>`)}<td>${money(t.cost_usd)}${t.unpriced ? html` <span class="muted" title="requests without a price">+${t.unpriced}?</span>` : nothing}</td></tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }
}
customElements.define('clp-usage', ClpUsage);
