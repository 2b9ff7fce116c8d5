import { LitElement, html, nothing } from 'lit';
import type { DashboardState, LiveStart } from '../src/shared/dashboard.ts';
import { DidChangeState, DidEndRequest, DidStartRequest, LogsList, StatusGet } from '../src/shared/protocol.ts';
import type { RequestRecord } from '../src/shared/records.ts';
import type { Client } from './client.ts';

const PAGES = [
  ['overview', 'Overview', 'dashboard'],
  ['configs', 'Configs', 'server'],
  ['requests', 'Requests', 'list-flat'],
  ['usage', 'Usage', 'graph'],
  ['filters', 'Filters', 'shield'],
  ['routes', 'Routes', 'git-compare'],
  ['pool', 'Pool', 'layers'],
] as const;
type PageName = (typeof PAGES)[number][0];

const KEEP_RECORDS = 1000;

/**
 * The dashboard's shell: navigation, the state every page shares (status, configs, today's numbers,
 * the recent requests) and the live feed that keeps it current. A reconnect re-reads all of it.
 */
export class ClpApp extends LitElement {
  static override properties = {
    client: { attribute: false },
    page: { state: true },
    state: { state: true },
    records: { state: true },
    inflight: { state: true },
    revision: { state: true },
    problem: { state: true },
  };
  declare client: Client;
  declare page: PageName;
  declare state: DashboardState | null;
  declare records: RequestRecord[];
  declare inflight: Map<string, LiveStart>;
  /** Bumped on every change notification, so pages with their own data re-read it. */
  declare revision: number;
  declare problem: string | null;

  constructor() {
    super();
    this.page = (location.hash.replace(/^#/, '') as PageName) || 'overview';
    if (!PAGES.some(([p]) => p === this.page)) this.page = 'overview';
    this.state = null;
    this.records = [];
    this.inflight = new Map();
    this.revision = 0;
    this.problem = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  // Not in connectedCallback: a client set before the element was defined is restored only at the
  // first update.
  override firstUpdated(): void {
    this.client.transport.listen(
      (method, payload) => this.notified(method, payload),
      () => void this.resync(),
    );
    void this.resync();
  }

  private notified(method: string, payload: unknown): void {
    if (method === DidStartRequest.method) {
      const start = payload as LiveStart;
      this.inflight = new Map(this.inflight).set(start.id, start);
    } else if (method === DidEndRequest.method) {
      const record = payload as RequestRecord;
      const inflight = new Map(this.inflight);
      inflight.delete(record.id);
      this.inflight = inflight;
      this.records = [record, ...this.records.filter((r) => r.id !== record.id)].slice(0, KEEP_RECORDS);
      void this.refreshState();
    } else if (method === DidChangeState.method) {
      this.revision++;
      void this.refreshState();
    }
  }

  private refreshing = false;
  private again = false;
  private async refreshState(): Promise<void> {
    // Bursts of requests coalesce into one status read; one asked for meanwhile runs after it.
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.again = false;
        await new Promise((r) => setTimeout(r, 150));
        this.state = await this.client.call(StatusGet, {});
        this.problem = null;
      } while (this.again);
    } catch (err) {
      this.problem = (err as Error).message;
    } finally {
      this.refreshing = false;
    }
  }

  async resync(): Promise<void> {
    try {
      const [state, records] = await Promise.all([
        this.client.call(StatusGet, {}),
        this.client.call(LogsList, { limit: 500 }).catch(() => [] as RequestRecord[]),
      ]);
      this.state = state;
      this.records = records;
      this.inflight = new Map();
      this.revision++;
      this.problem = null;
    } catch (err) {
      this.problem = (err as Error).message;
    }
  }

  private go(page: PageName): void {
    this.page = page;
    history.replaceState(null, '', `#${page}`);
  }

  override render() {
    return html`
      <nav class="nav">
        <span class="brand"><i class="codicon codicon-radio-tower"></i> CLP</span>
        ${PAGES.map(
          ([name, label, icon]) =>
            html`<button class="tab ${this.page === name ? 'on' : ''}" data-page=${name} @click=${() => this.go(name)}><i class="codicon codicon-${icon}"></i> ${label}</button>`,
        )}
        <span class="grow"></span>
        ${this.state?.status.owner ? html`<span class="muted">owner: ${this.state.status.owner.kind} (pid ${this.state.status.owner.pid})</span>` : nothing}
      </nav>
      ${this.problem ? html`<div class="banner error" role="alert">${this.problem}</div>` : nothing}
      <main>${this.state ? this.renderPage() : html`<p class="muted">Loading…</p>`}</main>
    `;
  }

  private renderPage() {
    const s = this.state!;
    switch (this.page) {
      case 'overview':
        return html`<clp-overview .client=${this.client} .state=${s} .records=${this.records} .inflight=${this.inflight}></clp-overview>`;
      case 'configs':
        return html`<clp-configs .client=${this.client} .state=${s}></clp-configs>`;
      case 'requests':
        return html`<clp-requests .client=${this.client} .records=${this.records} .inflight=${this.inflight}></clp-requests>`;
      case 'usage':
        return html`<clp-usage .client=${this.client} .revision=${this.records.length}></clp-usage>`;
      case 'filters':
        return html`<clp-filters .client=${this.client} .revision=${this.revision}></clp-filters>`;
      case 'routes':
        return html`<clp-routes .client=${this.client} .state=${s} .revision=${this.revision}></clp-routes>`;
      case 'pool':
        return html`<clp-pool .client=${this.client} .revision=${this.revision + this.records.length}></clp-pool>`;
    }
  }
}
