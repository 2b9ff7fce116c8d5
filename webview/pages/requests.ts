import { html, nothing } from 'lit';
import type { LiveStart } from '../../src/shared/dashboard.ts';
import { LogsGet } from '../../src/shared/protocol.ts';
import type { RequestDetail, RequestRecord, TraceEntry } from '../../src/shared/records.ts';
import { renderResponse, type Block } from '../../src/shared/response-view.ts';
import { USAGE_METRICS } from '../../src/shared/usage.ts';
import { Page } from '../base.ts';
import { money, ms, prettyJson, time, tokens } from '../format.ts';

const PAGE_ROWS = 100;

/** The live request list (grows as requests happen), a filter, and one request's whole story. */
export class ClpRequests extends Page {
  static override properties = {
    ...Page.properties,
    records: { attribute: false },
    inflight: { attribute: false },
    filter: { state: true },
    service: { state: true },
    detail: { state: true },
    rawResponse: { state: true },
    shown: { state: true },
  };
  declare records: RequestRecord[];
  declare inflight: Map<string, LiveStart>;
  declare filter: string;
  declare service: string;
  declare detail: RequestDetail | null;
  declare rawResponse: boolean;
  /** How many rows are laid out: a table of 500 rows took ~350 ms of layout before its first paint. */
  declare shown: number;

  constructor() {
    super();
    this.filter = '';
    this.service = '';
    this.detail = null;
    this.rawResponse = false;
    this.shown = PAGE_ROWS;
  }

  private shows(r: RequestRecord): boolean {
    if (this.service && r.service !== this.service) return false;
    if (!this.filter) return true;
    const q = this.filter.toLowerCase();
    return [r.config, r.model_requested, r.model_sent, r.model_answered, String(r.status ?? ''), r.error, r.path].some((v) => v?.toLowerCase().includes(q));
  }

  private async open(id: string): Promise<void> {
    const d = await this.run(() => this.client.call(LogsGet, { id }));
    if (d) {
      this.detail = d;
      this.rawResponse = false;
    }
  }

  override render() {
    const rows = this.records.filter((r) => this.shows(r));
    return html`
      <div class="toolbar">
        <select class="service-filter" @change=${(e: Event) => (this.service = (e.target as HTMLSelectElement).value)}>
          <option value="">both services</option><option value="claude">claude</option><option value="codex">codex</option>
        </select>
        <input class="text-filter" type="search" placeholder="filter: config, model, status, error" .value=${this.filter} @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
        <span class="muted">${rows.length > this.shown ? `${this.shown} of ${rows.length}` : rows.length} shown · ${this.inflight.size} in flight</span>
      </div>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      <div class="split ${this.detail ? 'with-detail' : ''}">
        <div class="list">
        <table class="grid requests">
          <thead><tr><th>Time</th><th>Service</th><th>Config</th><th>Model</th><th>Status</th><th>TTFB</th><th>Duration</th><th>Tokens</th><th>Cost</th></tr></thead>
          <tbody>
            ${[...this.inflight.values()].map(
              (s) =>
                html`<tr class="inflight"><td>${time(s.started_at)}</td><td>${s.service}</td><td>${s.config ?? '–'}</td><td>${s.model ?? '–'}</td><td><i class="codicon codicon-loading codicon-modifier-spin"></i></td><td></td><td></td><td></td><td></td></tr>`,
            )}
            ${rows.slice(0, this.shown).map(
              (r) => html`<tr class="record ${this.detail?.id === r.id ? 'on' : ''}" data-id=${r.id} @click=${() => void this.open(r.id)}>
                <td>${time(r.started_at)}</td>
                <td>${r.service}</td>
                <td>${r.config ?? '–'}</td>
                <td>${r.model_sent ?? r.model_requested ?? '–'}</td>
                <td class=${r.error ? 'bad' : 'ok'}>${r.status ?? '–'}${r.error ? html` <span class="muted">${r.error}</span>` : nothing}</td>
                <td>${ms(r.ttfb_ms)}</td>
                <td>${ms(r.duration_ms)}</td>
                <td>${tokens(r.usage)}</td>
                <td>${r.usage ? money(r.cost_usd) : '–'}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${
          rows.length > this.shown
            ? html`<button class="more" @click=${() => (this.shown += PAGE_ROWS)}>Show ${Math.min(PAGE_ROWS, rows.length - this.shown)} more (${rows.length - this.shown} not shown)</button>`
            : nothing
        }
        </div>
        ${this.detail ? this.renderDetail(this.detail) : nothing}
      </div>
    `;
  }

  private renderDetail(d: RequestDetail) {
    const view = renderResponse(d.response_body);
    return html`<aside class="panel detail">
      <div class="row"><h2>${d.method} ${d.path}</h2><span class="grow"></span><button class="close" @click=${() => (this.detail = null)}><i class="codicon codicon-close"></i></button></div>
      <dl class="kv">
        <dt>Id</dt><dd><code>${d.id}</code></dd>
        <dt>Service / config</dt><dd>${d.service} / ${d.config ?? '–'}</dd>
        <dt>Model</dt><dd>${d.model_requested ?? '–'}${d.model_sent && d.model_sent !== d.model_requested ? ` → ${d.model_sent}` : ''}${d.model_answered ? ` (answered: ${d.model_answered})` : ''}</dd>
        <dt>Status</dt><dd class=${d.error ? 'bad' : 'ok'}>${d.status ?? '–'} ${d.error ?? ''}</dd>
        <dt>Time</dt><dd>${new Date(d.started_at).toLocaleString()} · TTFB ${ms(d.ttfb_ms)} · total ${ms(d.duration_ms)}</dd>
        <dt>Cost</dt><dd>${d.usage ? money(d.cost_usd) : '–'}</dd>
      </dl>
      ${
        d.usage
          ? html`<table class="grid usage-grid"><tr>${USAGE_METRICS.map((m) => html`<th>${m}</th>`)}</tr><tr>${USAGE_METRICS.map((m) => html`<td>${d.usage![m]}</td>`)}</tr></table>`
          : nothing
      }
      ${d.bodies_shed ? html`<p class="muted">The bodies of this request were not kept: CLP was under more load than its log could write.</p>` : nothing}
      ${d.bodies_unreadable ? html`<p class="bad">The stored headers and bodies of this request could not be read back (the log file is damaged); the record above is intact.</p>` : nothing}
      ${d.trace ? html`<details open><summary>Decisions</summary><ol class="trace">${d.trace.map((t) => html`<li>${traceLine(t)}</li>`)}</ol></details>` : nothing}
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

const hitsText = (hits: Record<string, number>) =>
  Object.entries(hits)
    .map(([rule, n]) => `${rule} ×${n}`)
    .join(', ');

/** One decision, in words. */
export function traceLine(t: TraceEntry): string {
  switch (t.kind) {
    case 'filters':
      return `Filters: ${hitsText(t.hits)}`;
    case 'route':
      return `Routing (${t.matched.join(', ')}): ${[t.model ? `model → ${t.model}` : '', t.config ? `pinned to ${t.config.join(', ')}` : ''].filter(Boolean).join('; ')}`;
    case 'plan':
      return `Plan (${t.mode} mode): ${t.candidates.join(' → ') || 'no candidate'}${t.skipped.length ? `; skipped ${t.skipped.map((s) => `${s.name} (${s.why})`).join(', ')}` : ''}`;
    case 'strip':
      return `Removed ${t.removed} signed item(s) from the history: ${t.reason}`;
    case 'attempt':
      return `Tried ${t.config}: ${t.outcome} (${t.ms} ms)`;
    case 'imported':
      return "Imported from the original CLP's history";
    default:
      // A record written by an older CLP, before decisions had a kind.
      return JSON.stringify(t);
  }
}
customElements.define('clp-requests', ClpRequests);
