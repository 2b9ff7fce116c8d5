import { html, nothing } from 'lit';
import type { DashboardState } from '../../src/shared/dashboard.ts';
import { RoutesGet, RoutesSave, RoutesTry } from '../../src/shared/protocol.ts';
import type { RouteDecision, RouteRule, Routes } from '../../src/shared/rules.ts';
import { perService, SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { Page } from '../base.ts';

/** Model routing rules per service: rewrite a model, pin a config or a sub-pool; try a model name. */
export class ClpRoutes extends Page {
  static override properties = {
    ...Page.properties,
    state: { attribute: false },
    revision: { type: Number },
    service: { state: true },
    routes: { state: true },
    fileError: { state: true },
    dirty: { state: true },
    probe: { state: true },
    decision: { state: true },
    saved: { state: true },
  };
  declare state: DashboardState;
  declare revision: number;
  declare service: ServiceName;
  declare routes: Routes;
  declare fileError: string | null;
  declare dirty: boolean;
  declare probe: { model: string; config: string };
  declare decision: RouteDecision | null;
  declare saved: boolean;
  private loadedFor = -1;

  constructor() {
    super();
    this.service = 'claude';
    this.routes = perService(() => []);
    this.fileError = null;
    this.dirty = false;
    this.probe = { model: 'claude-sonnet-5-5', config: '' };
    this.decision = null;
    this.saved = false;
  }

  override updated(): void {
    if (this.revision === this.loadedFor || this.dirty) return;
    this.loadedFor = this.revision;
    void this.run(async () => {
      const v = await this.client.call(RoutesGet, {});
      this.routes = v.routes;
      this.fileError = v.error;
    });
  }

  private get rules(): RouteRule[] {
    return this.routes[this.service];
  }

  private setRules(rules: RouteRule[]): void {
    this.routes = { ...this.routes, [this.service]: rules };
    this.dirty = true;
    this.saved = false;
  }

  private change(i: number, patch: Partial<RouteRule>): void {
    this.setRules(this.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  }

  private async save(): Promise<void> {
    const v = await this.run(() => this.client.call(RoutesSave, { routes: this.routes }));
    if (v) {
      this.routes = v.routes;
      this.dirty = false;
      this.saved = true;
    }
  }

  private decisionView(d: RouteDecision) {
    const asked = this.probe.model;
    const mode = this.state.pools[this.service].mode;
    return html`<div class="decision">
      <p><strong>${d.matched.length ? `Matched ${d.matched.join(', ')}.` : 'No rule matched.'}</strong></p>
      <ul>
        <li>Model sent: <code>${d.model ?? asked}</code>${d.model && d.model !== asked ? html` <span class="muted">(rewritten from ${asked})</span>` : html` <span class="muted">(as asked)</span>`}</li>
        <li>Config: ${
          d.config
            ? html`pinned to <code>${d.config.join(', ')}</code>${d.config.length > 1 ? ' (a sub-pool, failed over in order)' : ''}`
            : mode === 'pool'
              ? html`as the pool picks (pool mode: ${
                  this.state.pools[this.service].members
                    .filter((m) => m.available)
                    .map((m) => m.name)
                    .join(' → ') || 'none available'
                })`
              : html`the active config, <code>${this.state.status.services[this.service].active ?? 'none'}</code>`
        }</li>
      </ul>
    </div>`;
  }

  override render() {
    const names = this.state.configs[this.service].map((c) => c.name);
    const text = (v: string) => v.trim() || undefined;
    return html`
      <div class="toolbar">${SERVICES.map((s) => html`<button class="tab ${s === this.service ? 'on' : ''}" @click=${() => ((this.service = s), (this.decision = null))}>${s}</button>`)}</div>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.fileError ? html`<div class="banner error">${this.fileError}</div>` : nothing}
      <section class="panel">
        <h2>Rules <span class="muted">first rewrite wins, first pin wins; <code>*</code> is a wildcard</span></h2>
        <datalist id="config-names">${names.map((n) => html`<option value=${n}></option>`)}</datalist>
        ${
          this.rules.length
            ? html`<table class="grid routes">
          <thead><tr><th class="num">#</th><th>On</th><th>Name</th><th>If model</th><th>If config</th><th>Send model</th><th>Use config(s)</th><th></th></tr></thead>
          <tbody>
            ${this.rules.map(
              (r, i) => html`<tr>
                <td class="num">${i + 1}</td>
                <td><input type="checkbox" .checked=${r.enabled !== false} @change=${(e: Event) => this.change(i, { enabled: (e.target as HTMLInputElement).checked })} /></td>
                <td><input .value=${r.name ?? ''} @input=${(e: Event) => this.change(i, { name: text((e.target as HTMLInputElement).value) })} /></td>
                <td><input class="code" placeholder="any" .value=${r.match.model ?? ''} @input=${(e: Event) => this.change(i, { match: { ...r.match, model: text((e.target as HTMLInputElement).value) } })} /></td>
                <td><input list="config-names" placeholder="any" .value=${r.match.config ?? ''} @input=${(e: Event) => this.change(i, { match: { ...r.match, config: text((e.target as HTMLInputElement).value) } })} /></td>
                <td><input class="code" placeholder="unchanged" .value=${r.model ?? ''} @input=${(e: Event) => this.change(i, { model: text((e.target as HTMLInputElement).value) })} /></td>
                <td>
                  <input list="config-names" placeholder="unchanged (a, b for a sub-pool)" .value=${Array.isArray(r.config) ? r.config.join(', ') : (r.config ?? '')} @input=${(
                    e: Event,
                  ) => {
                    const list = (e.target as HTMLInputElement).value
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean);
                    this.change(i, { config: list.length === 0 ? undefined : list.length === 1 ? list[0] : list });
                  }} />
                </td>
                <td><button @click=${() => this.setRules(this.rules.filter((_, j) => j !== i))}><i class="codicon codicon-trash"></i></button></td>
              </tr>`,
            )}
          </tbody>
        </table>`
            : nothing
        }
        <div class="row">
          <button @click=${() => this.setRules([...this.rules, { match: { model: '' }, model: '' } as RouteRule])}><i class="codicon codicon-add"></i> Add rule</button>
          <button class="primary save-routes" ?disabled=${!this.dirty} @click=${() => void this.save()}>Save</button>
          ${this.saved ? html`<span class="ok saved">Saved to routes.json: the next request uses these rules.</span>` : nothing}
        </div>
        ${
          this.rules.length
            ? nothing
            : html`<div class="empty"><p>No ${this.service} routes yet.</p><p class="muted">A route matches the model a client asks for (and, if you like, the config) and sends another model, or pins the request to one config or a few. For example: model <code>claude-haiku*</code> → send <code>claude-sonnet-4-5</code> on <code>relay-b</code>. Add a rule, try a model below, then save.</p></div>`
        }
      </section>
      <section class="panel">
        <h2>Try a model</h2>
        <div class="row">
          <input class="code probe-model" .value=${this.probe.model} @input=${(e: Event) => (this.probe = { ...this.probe, model: (e.target as HTMLInputElement).value })} />
          <input list="config-names" placeholder="config (optional)" .value=${this.probe.config} @input=${(e: Event) => (this.probe = { ...this.probe, config: (e.target as HTMLInputElement).value })} />
          <button class="try-route" @click=${() => void this.run(async () => (this.decision = await this.client.call(RoutesTry, { routes: this.routes, service: this.service, model: this.probe.model, config: this.probe.config || null })))}>Try</button>
        </div>
        ${this.decision ? this.decisionView(this.decision) : nothing}
      </section>
    `;
  }
}
customElements.define('clp-routes', ClpRoutes);
