import { html, nothing } from 'lit';
import { PoolAct, PoolGet } from '../../src/shared/protocol.ts';
import type { PoolAction, PoolStatus } from '../../src/shared/pool.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { Page } from '../base.ts';

/** The account pool: mode, order, weights, health and cool-downs, with the actions the CLI has. */
export class ClpPool extends Page {
  static override properties = { ...Page.properties, revision: { type: Number }, pools: { state: true } };
  declare revision: number;
  declare pools: Partial<Record<ServiceName, PoolStatus>>;
  private loadedFor = -1;

  constructor() {
    super();
    this.pools = {};
  }

  override updated(): void {
    if (this.revision === this.loadedFor) return;
    this.loadedFor = this.revision;
    void this.run(async () => {
      const [claude, codex] = await Promise.all(SERVICES.map((service) => this.client.call(PoolGet, { service })));
      this.pools = { claude, codex };
    });
  }

  private act(service: ServiceName, action: PoolAction): void {
    void this.run(async () => {
      this.pools = { ...this.pools, [service]: await this.client.call(PoolAct, { service, action }) };
    });
  }

  override render() {
    return html`${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}${SERVICES.map((s) => (this.pools[s] ? this.service(this.pools[s]!) : nothing))}`;
  }

  private service(p: PoolStatus) {
    const s = p.service;
    return html`<section class="panel pool" data-service=${s}>
      <div class="row">
        <h2>${s}</h2>
        <label>Mode <select class="pool-mode" @change=${(e: Event) => this.act(s, { action: 'mode', mode: (e.target as HTMLSelectElement).value as 'pool' })}>
          <option value="active" ?selected=${p.mode === 'active'}>active config only</option>
          <option value="pool" ?selected=${p.mode === 'pool'}>pool with failover</option>
        </select></label>
        <label>Order <select ?disabled=${p.mode !== 'pool'} @change=${(e: Event) => this.act(s, { action: 'order', order: (e.target as HTMLSelectElement).value as 'weighted' })}>
          <option value="priority" ?selected=${p.order === 'priority'}>by weight, highest first</option>
          <option value="weighted" ?selected=${p.order === 'weighted'}>spread by weight</option>
        </select></label>
        <span class="grow"></span>
        <span class="muted">cool-down after ${p.failureThreshold} failures${p.autoResetMinutes ? `, reset after ${p.autoResetMinutes} min` : ''}</span>
        <button @click=${() => this.act(s, { action: 'reset' })}>Reset all</button>
      </div>
      <table class="grid">
        <thead><tr><th>#</th><th>Config</th><th>Weight</th><th>State</th><th>Failures</th><th>Last error</th><th></th></tr></thead>
        <tbody>
          ${p.members.map(
            (m, i) => html`<tr data-name=${m.name}>
              <td>${i + 1}</td>
              <td>${m.name} ${m.active ? html`<span class="tag">active</span>` : nothing}</td>
              <td>${m.weight}</td>
              <td class=${m.available ? 'ok' : 'bad'}>${m.available ? 'available' : (m.why ?? 'unavailable')}${m.disabledToday ? html` <span class="tag">disabled today</span>` : nothing}</td>
              <td>${m.failures}/${p.failureThreshold}</td>
              <td class="muted">${m.lastError ?? ''}</td>
              <td class="actions">
                <button @click=${() => this.act(s, { action: 'pin', name: m.name })} title="weight 1000, the others below">Pin to top</button>
                <button ?disabled=${m.disabledToday} @click=${() => this.act(s, { action: 'disable-today', name: m.name })}>Disable today</button>
                <button @click=${() => this.act(s, { action: 'reset', name: m.name })}>Reset</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }
}
customElements.define('clp-pool', ClpPool);
