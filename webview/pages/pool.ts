import { html, nothing } from 'lit';
import { memberHealth } from '../../src/shared/health.ts';
import { PoolAct, PoolGet } from '../../src/shared/protocol.ts';
import type { PoolAction, PoolStatus } from '../../src/shared/pool.ts';
import { SERVICES, servicesInUse, type ServiceName } from '../../src/shared/services.ts';
import { Page } from '../base.ts';
import { time } from '../format.ts';

/** What a pin changed, so that it can be shown and undone. */
interface Pinned {
  service: ServiceName;
  name: string;
  before: Record<string, number>;
  after: Record<string, number>;
}

/** The account pool: mode, order, weights, health and cool-downs, with the actions the CLI has. */
export class ClpPool extends Page {
  static override properties = { ...Page.properties, revision: { type: Number }, pools: { state: true }, pinned: { state: true } };
  declare revision: number;
  declare pools: Partial<Record<ServiceName, PoolStatus>>;
  declare pinned: Pinned | null;
  private loadedFor = -1;

  constructor() {
    super();
    this.pools = {};
    this.pinned = null;
  }

  override updated(): void {
    if (this.revision === this.loadedFor) return;
    this.loadedFor = this.revision;
    void this.run(async () => {
      const pools = await Promise.all(SERVICES.map((service) => this.client.call(PoolGet, { service })));
      this.pools = Object.fromEntries(SERVICES.map((s, i) => [s, pools[i]]));
    });
  }

  /** The loaded pools of the services with configs (a service nobody uses has no pool to show); all of them while none has. */
  private shown(): ServiceName[] {
    return servicesInUse((s) => (this.pools[s]?.members.length ?? 0) > 0).filter((s) => this.pools[s]);
  }

  private act(service: ServiceName, action: PoolAction): Promise<PoolStatus | undefined> {
    return this.run(async () => {
      const next = await this.client.call(PoolAct, { service, action });
      this.pools = { ...this.pools, [service]: next };
      return next;
    });
  }

  private async pin(service: ServiceName, name: string): Promise<void> {
    const weights = (p: PoolStatus | undefined) => Object.fromEntries((p?.members ?? []).map((m) => [m.name, m.weight]));
    const before = weights(this.pools[service]);
    const next = await this.act(service, { action: 'pin', name });
    if (next) this.pinned = { service, name, before, after: weights(next) };
  }

  private async undoPin(): Promise<void> {
    const p = this.pinned!;
    if (await this.act(p.service, { action: 'weights', weights: p.before })) this.pinned = null;
  }

  override render() {
    return html`${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.pinned ? this.pinNote(this.pinned) : nothing}
      ${this.shown().map((s) => this.service(this.pools[s]!))}`;
  }

  private pinNote(p: Pinned) {
    const changed = Object.keys(p.after).filter((n) => p.after[n] !== p.before[n]);
    return html`<div class="banner pin-note" role="status">
      Pinned <strong>${p.name}</strong> to the top of ${p.service}: weights written to ${p.service}.json
      (${changed.map((n) => `${n} ${p.before[n]} → ${p.after[n]}`).join(', ') || 'no change'}).
      <button class="undo-pin" @click=${() => void this.undoPin()}><i class="codicon codicon-discard"></i> Undo</button>
    </div>`;
  }

  private service(p: PoolStatus) {
    const s = p.service;
    const now = Date.now();
    const none = p.members.length > 0 && p.members.every((m) => !m.available);
    return html`<section class="panel pool" data-service=${s}>
      <div class="row">
        <h2>${s}</h2>
        <label>Mode <select class="pool-mode" @change=${(e: Event) => void this.act(s, { action: 'mode', mode: (e.target as HTMLSelectElement).value as 'pool' })}>
          <option value="active" ?selected=${p.mode === 'active'}>active config only</option>
          <option value="pool" ?selected=${p.mode === 'pool'}>pool with failover</option>
        </select></label>
        <label>Order <select ?disabled=${p.mode !== 'pool'} @change=${(e: Event) => void this.act(s, { action: 'order', order: (e.target as HTMLSelectElement).value as 'weighted' })}>
          <option value="priority" ?selected=${p.order === 'priority'}>by weight, highest first</option>
          <option value="weighted" ?selected=${p.order === 'weighted'}>spread by weight</option>
        </select></label>
        <span class="grow"></span>
        <span class="muted">left out after ${p.failureThreshold} failures${p.autoResetMinutes ? `, back after ${p.autoResetMinutes} min` : ''}</span>
        <button class="reset-all" title="clears failures, cool-downs and daily disables of every config" @click=${() => void this.act(s, { action: 'reset' })}>Reset all</button>
      </div>
      <p class="muted">${
        p.mode === 'pool'
          ? 'Pool mode: every request goes to the first available config in this order; on a failure before any byte reached the client, it moves to the next. Failures, 429s and rejected keys take a config out for a while.'
          : "Active mode: every request goes to the active config, as in the original CLP; nothing is taken out, but each config's last error is still shown. Switch to pool mode to fail over."
      }</p>
      ${none ? html`<div class="banner error all-unavailable" role="alert">No ${s} config can take a request now: each one is cooling down, left out or disabled (see "State"). Requests get a 503 until one is back; "Reset all" brings them back at once.</div>` : nothing}
      ${
        p.members.length
          ? html`<table class="grid">
        <thead><tr><th class="num">#</th><th>Config</th><th class="num">Weight</th><th>State</th><th class="num">Failures</th><th>Last error</th><th></th></tr></thead>
        <tbody>
          ${p.members.map((m, i) => {
            const h = memberHealth(m, now);
            return html`<tr data-name=${m.name}>
              <td class="num">${i + 1}</td>
              <td>${m.name} ${m.active ? html`<span class="tag">active</span>` : nothing}</td>
              <td class="num">${m.weight}</td>
              <td class="state"><span class="dot ${h.level}"></span> <span class=${h.level}>${h.level === 'ok' ? 'available' : h.text}</span></td>
              <td class="num">${m.failures}/${p.failureThreshold}</td>
              <td class="muted">${m.lastFailure ? `${time(m.lastFailure.at)} · ${m.lastFailure.reason}` : (m.lastError ?? '–')}</td>
              <td class="actions">
                <button class="pin" @click=${() => void this.pin(s, m.name)} title="writes weights: this one highest, the others below in their order (undo offered)">Pin to top</button>
                ${
                  m.disabledToday
                    ? html`<button class="enable" @click=${() => void this.act(s, { action: 'enable', name: m.name })}><i class="codicon codicon-play"></i> Enable</button>`
                    : html`<button class="disable" @click=${() => void this.act(s, { action: 'disable-today', name: m.name })}>Disable today</button>`
                }
                <button class="reset" title="clears this config's failures, cool-down and daily disable" @click=${() => void this.act(s, { action: 'reset', name: m.name })}>Reset</button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>`
          : html`<div class="empty"><p>No ${s} configs, so no pool yet.</p><p class="muted">The pool spreads requests over your configs and fails over when one breaks. Add two or more on the Configs page, then choose "pool with failover" here.</p></div>`
      }
    </section>`;
  }
}
customElements.define('clp-pool', ClpPool);
