import { html, nothing } from 'lit';
import type { DashboardState, LiveStart } from '../../src/shared/dashboard.ts';
import { LogsGet, LogsList, type LogsListParams } from '../../src/shared/protocol.ts';
import { isFailover, logMatches, type RequestDetail, type RequestRecord, type StatusClass, type TraceEntry } from '../../src/shared/records.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { USAGE_LABELS } from '../../src/shared/usage.ts';
import { renderResponse, type Block, type ResponseView } from '../../src/shared/response-view.ts';
import { describeRequest, excerpt, type RequestView } from '../../src/shared/request-view.ts';
import { Page } from '../base.ts';
import { count, ms, prettyJson, requestCost, time, tokens } from '../format.ts';
import { hitsText, timeline, traceLine } from '../trace-text.ts';

const PAGE_ROWS = 100;
const KEEP_ROWS = 1000;
/** Rows laid out in a fresh page's first frame: more than a tall window shows. */
const FIRST_ROWS = 40;
/** Under this width the detail takes the list's place (with a way back) instead of sitting beside it. */
const NARROW_PX = 1000;

interface Filters {
  service: string;
  config: string;
  model: string;
  status: string;
  range: string;
  text: string;
}

const RANGES = [
  ['', 'any time'],
  ['15m', 'last 15 min'],
  ['1h', 'last hour'],
  ['24h', 'last 24 h'],
  ['7d', 'last 7 days'],
] as const;
const RANGE_MS: Record<string, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

/**
 * The request log: live at the top, filtered and paged by the owner over everything it stores (so a
 * request older than what is loaded is one "older" click or one filter away), and one request's
 * whole story beside the list (or in its place on a narrow window).
 */
export class ClpRequests extends Page {
  static override properties = {
    ...Page.properties,
    records: { attribute: false },
    inflight: { attribute: false },
    state: { attribute: false },
    openId: { attribute: false },
    revision: { type: Number },
    filters: { state: true },
    rows: { state: true },
    shown: { state: true },
    read: { state: true },
    more: { state: true },
    detail: { state: true },
    rawResponse: { state: true },
    rawTrace: { state: true },
  };
  declare records: RequestRecord[];
  declare inflight: Map<string, LiveStart>;
  /** Null until the shared state has arrived (the page starts before it). */
  declare state: DashboardState | null;
  declare openId: string | null;
  /** Bumped when the page re-reads everything (CLP back after an outage): the list is read again. */
  declare revision: number;
  declare filters: Filters;
  /** The rows the owner gave for these filters, newest first, with live ones added on top. */
  declare rows: RequestRecord[];
  /**
   * How many rows are laid out: a fresh page shows its first screenful in the first frame and the
   * rest in the next (laying out a hundred rows held the first paint back).
   */
  declare shown: number;
  /** Whether the owner may hold older rows for these filters. */
  declare more: boolean;
  /** False until the first page of rows has come: "no request yet" is said only once it is known. */
  declare read: boolean;
  declare detail: RequestDetail | null;
  declare rawResponse: boolean;
  declare rawTrace: boolean;
  private loadedFor = '';
  private seenLive: RequestRecord | undefined;
  private openedId: string | null = null;
  private listScroll = 0;
  private loadingOlder = false;

  constructor() {
    super();
    this.filters = { service: '', config: '', model: '', status: '', range: '', text: '' };
    this.rows = [];
    this.shown = Number.POSITIVE_INFINITY;
    this.more = false;
    this.read = false;
    this.detail = null;
    this.rawResponse = false;
    this.rawTrace = false;
  }

  private query(): LogsListParams {
    const f = this.filters;
    return {
      ...(f.service ? { service: f.service as ServiceName } : {}),
      ...(f.config ? { config: f.config } : {}),
      ...(f.model.trim() ? { model: f.model.trim() } : {}),
      ...(f.status ? { status: f.status as StatusClass } : {}),
      ...(f.text.trim() ? { text: f.text.trim() } : {}),
      ...(f.range ? { sinceMs: Date.now() - RANGE_MS[f.range]! } : {}),
    };
  }

  override updated(changed: Map<string, unknown>): void {
    const key = `${JSON.stringify(this.filters)}:${this.revision}`;
    if (key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load(false);
    } else if (changed.has('records')) this.addLive();
    if (this.openId && this.openId !== this.openedId) {
      this.openedId = this.openId;
      void this.open(this.openId);
    }
  }

  /** Requests that ended since the list was read, on top, when they pass the filters. */
  private addLive(): void {
    const fresh: RequestRecord[] = [];
    for (const r of this.records) {
      if (r === this.seenLive) break;
      fresh.push(r);
    }
    this.seenLive = this.records[0];
    const q = this.query();
    const known = new Set(this.rows.map((r) => r.id));
    const add = fresh.filter((r) => !known.has(r.id) && logMatches(r, q));
    if (!add.length) return;
    // A page left open under heavy traffic keeps its newest rows; older ones are a click away.
    const rows = [...add, ...this.rows];
    if (rows.length > KEEP_ROWS) {
      rows.length = KEEP_ROWS;
      this.more = true;
    }
    this.rows = rows;
  }

  private async load(older: boolean): Promise<void> {
    // One "older" page at a time: two clicks must not fetch (and add) the same page twice.
    if (older && this.loadingOlder) return;
    if (older) this.loadingOlder = true;
    try {
      await this.loadPage(older);
    } finally {
      if (older) this.loadingOlder = false;
    }
  }

  private async loadPage(older: boolean): Promise<void> {
    const last = this.rows.at(-1);
    const q: LogsListParams = { ...this.query(), limit: PAGE_ROWS, ...(older && last ? { before: { at: last.started_at, id: last.id } } : {}) };
    const key = this.loadedFor;
    // Requests that end while the list is being read may be missing from it (the owner read its log
    // first): the live records from here on are added to it once it arrives.
    const mark = this.records[0];
    const page = await this.run(() => this.client.call(LogsList, q));
    if (!page || key !== this.loadedFor) return;
    if (!older && page.length > FIRST_ROWS) {
      this.shown = FIRST_ROWS;
      void this.updateComplete.then(() => requestAnimationFrame(() => (this.shown = Number.POSITIVE_INFINITY)));
    }
    this.rows = older ? [...this.rows, ...page] : page;
    this.more = page.length === PAGE_ROWS;
    this.read = true;
    if (older) return;
    this.seenLive = mark;
    this.addLive();
  }

  private setFilter(patch: Partial<Filters>): void {
    this.filters = { ...this.filters, ...patch };
  }

  private async open(id: string): Promise<void> {
    const d = await this.run(() => this.client.call(LogsGet, { id }));
    if (d) {
      if (!this.detail) this.listScroll = window.scrollY;
      this.detail = d;
      this.rawResponse = false;
      this.rawTrace = false;
      // On a narrow window the detail takes the list's place: it starts at its top.
      if (window.innerWidth < NARROW_PX) window.scrollTo(0, 0);
    }
  }

  private close(): void {
    this.detail = null;
    this.openedId = null;
    if (window.innerWidth < NARROW_PX) void this.updateComplete.then(() => window.scrollTo(0, this.listScroll));
  }

  private howToSend(state: DashboardState) {
    const url = (s: ServiceName) => state.status.services[s].url;
    return html`<p>To send the first one, point the client at CLP: <code>ANTHROPIC_BASE_URL=${url('claude')}</code> for Claude Code, <code>${url('codex')}</code> as Codex's base URL, <code>GOOGLE_GEMINI_BASE_URL=${url('gemini')}</code> for Gemini CLI (in VS Code, the "CLP: Set Up…" commands do it for you; in a terminal, <code>clp run -- claude</code>, <code>codex</code> or <code>gemini</code>).</p>`;
  }

  override render() {
    const f = this.filters;
    const configs = f.service
      ? (this.state?.configs[f.service as ServiceName].map((c) => c.name) ?? [])
      : SERVICES.flatMap((s) => this.state?.configs[s].map((c) => c.name) ?? []);
    const inflight = [...this.inflight.values()].filter((s) => !f.service || s.service === f.service);
    return html`
      <div class="toolbar filters-bar">
        <select class="service-filter" aria-label="service" @change=${(e: Event) => this.setFilter({ service: (e.target as HTMLSelectElement).value, config: '' })}>
          <option value="">all services</option>${SERVICES.map((s) => html`<option value=${s} ?selected=${f.service === s}>${s}</option>`)}
        </select>
        <select class="config-filter" aria-label="config" @change=${(e: Event) => this.setFilter({ config: (e.target as HTMLSelectElement).value })}>
          <option value="">every config</option>${[...new Set(configs)].map((c) => html`<option value=${c} ?selected=${f.config === c}>${c}</option>`)}
        </select>
        <select class="status-filter" aria-label="status" @change=${(e: Event) => this.setFilter({ status: (e.target as HTMLSelectElement).value })}>
          ${[
            ['', 'any status'],
            ['ok', 'ok'],
            ['error', 'errors'],
            ['4xx', '4xx'],
            ['5xx', '5xx'],
          ].map(([v, label]) => html`<option value=${v!} ?selected=${f.status === v}>${label}</option>`)}
        </select>
        <select class="range-filter" aria-label="time range" @change=${(e: Event) => this.setFilter({ range: (e.target as HTMLSelectElement).value })}>
          ${RANGES.map(([v, label]) => html`<option value=${v} ?selected=${f.range === v}>${label}</option>`)}
        </select>
        <input class="model-filter" type="search" placeholder="model" aria-label="model" .value=${f.model} @change=${(e: Event) => this.setFilter({ model: (e.target as HTMLInputElement).value })} />
        <input class="text-filter" type="search" placeholder="any text: config, model, status, error" aria-label="text" .value=${f.text} @change=${(e: Event) => this.setFilter({ text: (e.target as HTMLInputElement).value })} />
        <span class="muted count">${this.rows.length}${this.more ? '+' : ''} shown · ${this.inflight.size} in flight</span>
      </div>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      <div class="split ${this.detail ? 'with-detail' : ''}">
        <div class="list">
        ${
          !this.read && !this.error
            ? html`<p class="muted">Loading…</p>`
            : this.rows.length || inflight.length
              ? html`<table class="grid requests">
          <thead><tr><th>Time</th><th class="c-service">Service</th><th>Config</th><th>Model</th><th class="c-stream" title="streamed">Str</th><th>Status</th><th class="num c-ttfb">TTFB</th><th class="num">Duration</th><th class="num c-tokens">Tokens</th><th class="num">Cost</th></tr></thead>
          <tbody>
            ${inflight.map(
              (s) =>
                html`<tr class="inflight"><td>${time(s.started_at)}</td><td class="c-service">${s.service}</td><td>${s.config ?? '–'}</td><td>${s.model ?? '–'}</td><td class="c-stream">${s.stream ? html`<i class="codicon codicon-pulse" title="stream"></i>` : nothing}</td><td><i class="codicon codicon-loading codicon-modifier-spin"></i></td><td class="c-ttfb"></td><td></td><td class="c-tokens"></td><td></td></tr>`,
            )}
            ${(this.shown < this.rows.length ? this.rows.slice(0, this.shown) : this.rows).map((r) => this.row(r))}
          </tbody>
        </table>`
              : html`<div class="empty"><p>No request ${Object.values(this.filters).some(Boolean) ? 'matches these filters' : 'yet'}.</p>
            <p class="muted">Every request Claude Code or Codex sends through CLP shows here as it happens: its config, model, status, timing, tokens and cost, and, on a click, its whole story (bodies after filtering, headers without keys, every decision).</p>
            ${this.state ? this.howToSend(this.state) : nothing}</div>`
        }
        ${this.more ? html`<button class="more" @click=${() => void this.load(true)}><i class="codicon codicon-fold-down"></i> Older requests</button>` : nothing}
        </div>
        ${this.detail ? this.renderDetail(this.detail) : nothing}
      </div>
    `;
  }

  private row(r: RequestRecord) {
    const asked = r.model_requested;
    const sent = r.model_sent ?? asked;
    const failover = isFailover(r);
    const filtered = (r.trace ?? []).find((t) => t.kind === 'filters');
    return html`<tr class="record ${this.detail?.id === r.id ? 'on' : ''}" data-id=${r.id} tabindex="0" @click=${() => void this.open(r.id)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && void this.open(r.id)}>
      <td>${time(r.started_at)}</td>
      <td class="c-service">${r.service}</td>
      <td>${r.config ?? '–'}${failover ? html` <span class="tag warn-tag" title="failed over to this config">failover</span>` : nothing}</td>
      <td class="model">${asked && sent && asked !== sent ? html`<span class="muted">${asked}</span> → ${sent}` : (sent ?? '–')}${filtered?.kind === 'filters' ? html` <i class="codicon codicon-shield" title="filters: ${hitsText(filtered.hits)}"></i>` : nothing}</td>
      <td class="c-stream">${r.stream ? html`<i class="codicon codicon-pulse" title="stream"></i>` : nothing}</td>
      <td class=${r.error ? 'bad' : 'ok'}>${r.status ?? '–'}${r.error ? html` <span class="muted">${r.error}</span>` : nothing}</td>
      <td class="num c-ttfb">${ms(r.ttfb_ms)}</td>
      <td class="num">${ms(r.duration_ms)}</td>
      <td class="num c-tokens">${tokens(r.usage)}</td>
      <td class="num" title=${r.cost_estimated ? 'estimated: priced by its model family' : ''}>${requestCost(r)}</td>
    </tr>`;
  }

  /** A detail's readings, made once for it: the page renders again with every batch of live records. */
  private readonly readings = new WeakMap<RequestDetail, { asked: RequestView | null; answer: ResponseView }>();

  private readingsOf(d: RequestDetail) {
    let r = this.readings.get(d);
    if (!r) this.readings.set(d, (r = { asked: describeRequest(d.request_body), answer: renderResponse(d.response_body) }));
    return r;
  }

  private renderDetail(d: RequestDetail) {
    const view = this.readingsOf(d).answer;
    const rerouted = d.model_sent && d.model_requested && d.model_sent !== d.model_requested;
    return html`<aside class="panel detail" aria-label="request detail">
      <div class="row detail-head">
        <button class="back" @click=${() => this.close()}><i class="codicon codicon-arrow-left"></i> Back to the list</button>
        <h2>${d.method} ${d.path}</h2><span class="grow"></span>
        <button class="close" title="close" aria-label="close" @click=${() => this.close()}><i class="codicon codicon-close"></i></button>
      </div>
      <dl class="kv">
        <dt>Id</dt><dd><code>${d.id}</code></dd>
        <dt>Service / config</dt><dd>${d.service} / ${d.config ?? '–'}</dd>
        <dt>Model</dt><dd>${d.model_requested ?? '–'}${rerouted ? html` → <strong>${d.model_sent}</strong> <span class="muted">(rewritten by a route)</span>` : ''}${d.model_answered && d.model_answered !== (d.model_sent ?? d.model_requested) ? html` <span class="muted">(answered: ${d.model_answered})</span>` : ''}</dd>
        <dt>Status</dt><dd class=${d.error ? 'bad' : 'ok'}>${d.status ?? '–'} ${d.error ?? ''}${d.stream ? html` <span class="tag">stream</span>` : nothing}</dd>
        <dt>Time</dt><dd>${new Date(d.started_at).toLocaleString()} · first byte ${ms(d.ttfb_ms)} · total ${ms(d.duration_ms)}</dd>
        <dt>Session</dt><dd>${d.session_id ? html`<code>${d.session_id}</code>` : '–'}</dd>
        <dt>Cost</dt><dd>${requestCost(d)}${d.cost_estimated ? html` <span class="muted">(estimated: no price for this exact model, priced by its family)</span>` : nothing}</dd>
      </dl>
      ${
        d.usage
          ? html`<table class="grid usage-grid"><tr>${USAGE_LABELS.map(([, label]) => html`<th class="num">${label}</th>`)}</tr><tr>${USAGE_LABELS.map(([m]) => html`<td class="num">${count(d.usage![m])}</td>`)}</tr></table>`
          : nothing
      }
      ${d.bodies_shed ? html`<p class="muted">The headers and bodies of this request were not kept: CLP was taking more requests a second than it keeps bodies for (log.bodiesPerSecond in settings), or more than its disk could write.</p>` : nothing}
      ${d.bodies_unreadable ? html`<p class="bad">The stored headers and bodies of this request could not be read back (the log file is damaged); the record above is intact.</p>` : nothing}
      ${
        d.trace
          ? html`<details open class="decisions"><summary>What CLP decided <button class="link raw-trace" @click=${(e: Event) => (e.preventDefault(), (this.rawTrace = !this.rawTrace))}>${this.rawTrace ? 'timeline' : 'raw JSON'}</button></summary>
            ${this.rawTrace ? html`<pre class="trace-json">${JSON.stringify(d.trace, null, 2)}</pre>` : html`<p class="timeline">${timeline(d)}</p><ol class="trace">${d.trace.map((t) => html`<li>${traceLine(t)}</li>`)}</ol>`}
          </details>`
          : nothing
      }
      ${this.lastMessage(d)}
      <details open class="response">
        <summary>Response <button class="link" @click=${(e: Event) => (e.preventDefault(), (this.rawResponse = !this.rawResponse))}>${this.rawResponse ? 'readable' : 'raw'}</button></summary>
        ${d.response_body_truncated ? html`<p class="muted">Only the start of the response was kept.</p>` : nothing}
        ${this.rawResponse ? html`<pre>${d.response_body ?? ''}</pre>` : html`${view.warnings.map((w) => html`<p class="muted">${w}</p>`)}${view.blocks.map((b) => this.block(b))}`}
      </details>
      <details>
        <summary>Request body from the client, after filtering${hitsNote(d.trace)}</summary>
        ${d.request_body_truncated ? html`<p class="muted">Truncated.</p>` : nothing}
        <pre class="request-body">${prettyJson(d.request_body) || '(not kept)'}</pre>
      </details>
      ${d.upstream_body ? html`<details><summary>Request body, as sent upstream</summary><pre class="upstream-body">${prettyJson(d.upstream_body)}</pre></details>` : nothing}
      <details><summary>Request headers (credentials removed)</summary>${headers(d.request_headers)}</details>
      <details><summary>Response headers</summary>${headers(d.response_headers)}</details>
    </aside>`;
  }

  /** What the turn asked: the request's shape and its last message (the whole body is below, folded). */
  private lastMessage(d: RequestDetail) {
    const view = this.readingsOf(d).asked;
    if (!view) return nothing;
    const { head, more } = excerpt(view.last?.text ?? '', 4000);
    return html`<details open class="asked">
      <summary>Request <span class="muted">${view.summary}</span></summary>
      ${
        view.last
          ? html`<p class="muted">Last message (${view.last.role})</p><pre class="last-message">${more ? `${head}\n… ${count(more)} more characters (the whole body is below)` : head}</pre>`
          : nothing
      }
    </details>`;
  }

  private block(b: Block) {
    switch (b.kind) {
      case 'text':
        return html`<div class="block text"><pre>${b.text}</pre></div>`;
      case 'thinking':
        return html`<div class="block thinking"><div class="muted"><i class="codicon codicon-lightbulb"></i> thinking</div><pre>${b.text}</pre></div>`;
      case 'tool':
        return html`<div class="block tool"><div><i class="codicon codicon-tools"></i> <strong>${b.name}</strong></div><pre>${b.input}</pre></div>`;
      case 'error':
        return html`<div class="block error"><pre>${b.text}</pre></div>`;
    }
  }
}

function headers(h: Record<string, string>) {
  const names = Object.keys(h).sort();
  return html`<table class="grid headers">${names.map((n) => html`<tr><th>${n}</th><td><code>${h[n]}</code></td></tr>`)}</table>`;
}

/**
 * The log keeps only what the filters let through (the original text, which may hold a secret, is
 * never stored), so "before filtering" is the same text with the rules that fired named.
 */
function hitsNote(trace: TraceEntry[] | null): string {
  const entry = trace?.find((t) => t.kind === 'filters');
  if (entry?.kind !== 'filters') return '';
  return ` (filtered: ${hitsText(entry.hits)})`;
}

customElements.define('clp-requests', ClpRequests);
