import { coalesced } from './coalesce.ts';
import { LitElement, html, nothing } from 'lit';
import type { DashboardState, LiveStart } from '../src/shared/dashboard.ts';
import { DidChangeState, DidEndRequest, DidStartRequest, StatusGet } from '../src/shared/protocol.ts';
import { overallHealth } from '../src/shared/health.ts';
import { time } from './format.ts';
import { GO_EVENT, OPEN_REQUEST_EVENT, TOAST_EVENT } from './events.ts';
import { LOST_EVENT } from './transport.ts';
import type { RequestRecord } from '../src/shared/records.ts';
import type { Client } from './client.ts';
import { applyLive, type LiveNote } from './live-batch.ts';

const PAGES = [
  ['overview', 'Overview', 'dashboard'],
  ['configs', 'Configs', 'server'],
  ['requests', 'Requests', 'list-flat'],
  ['sessions', 'Sessions', 'comment-discussion'],
  ['usage', 'Usage', 'graph'],
  ['filters', 'Filters', 'shield'],
  ['routes', 'Routes', 'git-compare'],
  ['pool', 'Pool', 'layers'],
] as const;
type PageName = (typeof PAGES)[number][0];

/**
 * Pages that read their own data and may start before the shared state has arrived: a reload's first
 * rows then wait for one round trip to the owner, not two in a row.
 */
const EARLY_PAGES: ReadonlySet<PageName> = new Set(['requests', 'usage']);

const KEEP_RECORDS = 1000;
/**
 * The live feed renders at most this often: a burst of subagents sends hundreds of notifications a
 * second, and each render lays out the Requests page's whole table (and makes the Usage, Sessions
 * and Pool pages read theirs again). The first notification after a quiet spell renders at once.
 */
const LIVE_MS = 250;
/** How often the page checks that CLP still answers, and how long an answer may take. */
const HEARTBEAT_MS = 1500;
const HEARTBEAT_TIMEOUT_MS = 1500;

/** `up`; `down` since a time (CLP does not answer; the page keeps trying); `back` for a moment after. */
export type Connection = { state: 'up' } | { state: 'down'; since: number; rekeyed: boolean } | { state: 'back' };

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
    connection: { state: true },
    toast: { state: true },
    openId: { state: true },
  };
  declare client: Client;
  declare page: PageName;
  declare state: DashboardState | null;
  declare records: RequestRecord[];
  declare inflight: Map<string, LiveStart>;
  /** Bumped on every change notification, so pages with their own data re-read it. */
  declare revision: number;
  declare problem: string | null;
  declare connection: Connection;
  declare toast: string | null;
  /** A request another page asked to show (a link to it): the Requests page opens its detail. */
  declare openId: string | null;
  private heartbeat: number | undefined;
  /** Counts full re-reads (start, reconnect): pages with lists of their own read them again. */
  private resyncs = 0;
  /** Requests that ended since the page loaded (what the Usage page re-reads on). */
  private ended = 0;
  private toastTimer: number | undefined;
  /** Live notifications not rendered yet, and when the last render of them was. */
  private live: LiveNote[] = [];
  private liveTimer: number | undefined;
  private lastLive = Number.NEGATIVE_INFINITY;

  constructor() {
    super();
    this.page = (location.hash.replace(/^#/, '') as PageName) || 'overview';
    if (!PAGES.some(([p]) => p === this.page)) this.page = 'overview';
    this.state = null;
    this.records = [];
    this.inflight = new Map();
    this.revision = 0;
    this.problem = null;
    this.connection = { state: 'up' };
    this.toast = null;
    this.openId = null;
    this.addEventListener(TOAST_EVENT, (e) => this.showToast((e as CustomEvent<string>).detail));
    this.addEventListener(GO_EVENT, (e) => this.go((e as CustomEvent<PageName>).detail));
    this.addEventListener(OPEN_REQUEST_EVENT, (e) => {
      this.openId = (e as CustomEvent<string>).detail;
      this.go('requests');
    });
  }

  private showToast(text: string): void {
    this.toast = text;
    window.clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => (this.toast = null), 6000);
  }

  /**
   * Whether CLP still answers, checked every moment: when it stops (`clp stop`, a crash, VS Code
   * closed) the page says so within seconds instead of showing the last figures as if they were live,
   * keeps trying, and re-reads everything once CLP is back.
   */
  private beating = false;
  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.beatOnce();
    } finally {
      this.beating = false;
    }
  }

  private async beatOnce(): Promise<void> {
    const now = await this.client.transport.check(HEARTBEAT_TIMEOUT_MS);
    const c = this.connection;
    if (now !== 'up') {
      // CLP answers, but not to this page's key: it was restarted past the one this page knew.
      const rekeyed = now === 'locked';
      if (c.state !== 'down' || c.rekeyed !== rekeyed) this.connection = { state: 'down', since: c.state === 'down' ? c.since : Date.now(), rekeyed };
    } else if (c.state === 'down') {
      this.connection = { state: 'back' };
      await this.resync();
      window.setTimeout(() => {
        if (this.connection.state === 'back') this.connection = { state: 'up' };
      }, 5000);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.heartbeat);
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
    this.heartbeat = window.setInterval(() => void this.beat(), HEARTBEAT_MS);
    window.addEventListener(LOST_EVENT, () => void this.beat());
  }

  private notified(method: string, payload: unknown): void {
    if (method === DidStartRequest.method) {
      this.queueLive({ start: payload as LiveStart });
    } else if (method === DidEndRequest.method) {
      this.queueLive({ end: payload as RequestRecord });
    } else if (method === DidChangeState.method) {
      this.revision++;
      void this.refreshState();
    }
  }

  /** Live notifications wait here for the next render (at most one every LIVE_MS). */
  private queueLive(note: LiveNote): void {
    this.live.push(note);
    if (this.liveTimer !== undefined) return;
    // A timer, not an animation frame: frames stop in a hidden tab, and the queue would only grow.
    this.liveTimer = window.setTimeout(() => this.flushLive(), Math.max(0, this.lastLive + LIVE_MS - performance.now()));
  }

  private flushLive(): void {
    this.liveTimer = undefined;
    this.lastLive = performance.now();
    const notes = this.live;
    this.live = [];
    const next = applyLive({ inflight: this.inflight, records: this.records }, notes, KEEP_RECORDS);
    this.inflight = next.inflight;
    this.records = next.records;
    if (next.ended) {
      this.ended += next.ended;
      void this.refreshState();
    }
  }

  /** Bursts of requests coalesce into one status read; one asked for meanwhile runs after it. */
  private readonly refreshStates = coalesced(() => this.readState());

  private refreshState(): Promise<void> {
    return this.refreshStates().catch((err: Error) => {
      this.problem = err.message;
    });
  }

  private async readState(): Promise<void> {
    await new Promise((r) => setTimeout(r, 150));
    this.state = await this.client.call(StatusGet, {});
    this.problem = null;
  }

  async resync(): Promise<void> {
    try {
      // The pages read what they show themselves (the Requests page its first page of the log); the
      // live records start from here. Reading the newest 500 records as well (~300 KB) held every
      // page's first paint back.
      this.state = await this.client.call(StatusGet, {});
      // Notifications from before the re-read are dropped with the records they would update.
      this.live = [];
      this.records = [];
      this.inflight = new Map();
      this.revision++;
      this.resyncs++;
      this.problem = null;
    } catch (err) {
      this.problem = (err as Error).message;
    }
  }

  private go(page: PageName): void {
    if (!PAGES.some(([p]) => p === page)) return;
    if (page !== 'requests') this.openId = null;
    this.page = page;
    history.replaceState(null, '', `#${page}`);
  }

  override render() {
    const c = this.connection;
    const down = c.state === 'down';
    return html`
      <nav class="nav">
        <span class="brand"><i class="codicon codicon-radio-tower"></i> CLP</span>
        ${PAGES.map(
          ([name, label, icon]) =>
            html`<button class="tab ${this.page === name ? 'on' : ''}" data-page=${name} aria-current=${this.page === name ? 'page' : 'false'} @click=${() => this.go(name)}><i class="codicon codicon-${icon}"></i> ${label}</button>`,
        )}
        <span class="grow"></span>
        ${this.ownerLine(down)}
      </nav>
      ${
        down && c.rekeyed
          ? html`<div class="banner error offline" role="alert"><i class="codicon codicon-key"></i> CLP answers, but with a dashboard key this page does not know (it was restarted more than once, or a day ago, while this page was away): run <code>clp ui</code> and open the link it prints (the figures below are from before).</div>`
          : down
            ? html`<div class="banner error offline" role="alert"><i class="codicon codicon-debug-disconnect"></i> CLP is not reachable since ${time(c.since)}: retrying every ${HEARTBEAT_MS / 1000} s. The figures below are from before; start CLP (<code>clp start</code>, or open VS Code) and this page comes back by itself.</div>`
            : c.state === 'back'
              ? html`<div class="banner ok-banner back" role="status"><i class="codicon codicon-pass"></i> CLP is reachable again: everything below was read afresh.</div>`
              : nothing
      }
      ${this.problem && !down ? html`<div class="banner error" role="alert">${this.problem}</div>` : nothing}
      ${this.toast ? html`<div class="toast" role="status"><i class="codicon codicon-check"></i> ${this.toast}</div>` : nothing}
      <main class=${down ? 'stale' : ''}>${this.state || EARLY_PAGES.has(this.page) ? this.renderPage() : html`<p class="muted">Loading…</p>`}</main>
    `;
  }

  private ownerLine(down: boolean) {
    const s = this.state;
    if (down) return html`<span class="owner"><span class="dot off"></span> not reachable</span>`;
    if (!s?.status.owner) return nothing;
    const health = overallHealth(s.status.services, s.pools, Date.now());
    return html`<span class="owner muted" title=${health.problems.map((p) => p.text).join('\n') || 'every service in use can serve'}><span class="dot ${health.level}"></span> ${s.status.owner.kind} · pid ${s.status.owner.pid}</span>`;
  }

  private renderPage() {
    const s = this.state!;
    const early = this.state;
    switch (this.page) {
      case 'overview':
        return html`<clp-overview .client=${this.client} .state=${s} .records=${this.records} .inflight=${this.inflight} .offline=${this.connection.state === 'down'}></clp-overview>`;
      case 'configs':
        return html`<clp-configs .client=${this.client} .state=${s}></clp-configs>`;
      case 'requests':
        // The first sync is the page's own first read: it reads again only after a later one.
        return html`<clp-requests .client=${this.client} .records=${this.records} .inflight=${this.inflight} .state=${early} .openId=${this.openId} .revision=${Math.max(0, this.resyncs - 1)}></clp-requests>`;
      case 'sessions':
        return html`<clp-sessions .client=${this.client} .state=${s} .revision=${this.revision + this.records.length}></clp-sessions>`;
      case 'usage':
        return html`<clp-usage .client=${this.client} .revision=${this.ended + Math.max(0, this.resyncs - 1)} .team=${early?.status.team ?? null}></clp-usage>`;
      case 'filters':
        return html`<clp-filters .client=${this.client} .revision=${this.revision}></clp-filters>`;
      case 'routes':
        return html`<clp-routes .client=${this.client} .state=${s} .revision=${this.revision}></clp-routes>`;
      case 'pool':
        return html`<clp-pool .client=${this.client} .revision=${this.revision + this.records.length}></clp-pool>`;
    }
  }
}
