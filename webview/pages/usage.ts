import { coalesced } from '../coalesce.ts';
import { html, nothing, type TemplateResult } from 'lit';
import { TeamUsage, UsageGet } from '../../src/shared/protocol.ts';
import { USAGE_GROUP_KEY, type UsageGroupBy, type UsageReport } from '../../src/shared/records.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { NO_SESSION } from '../../src/shared/sessions.ts';
import type { TeamGroupBy, TeamStatus } from '../../src/shared/team.ts';
import { USAGE_LABELS, type UsageTotals } from '../../src/shared/usage.ts';
import { Page } from '../base.ts';
import { TOAST_EVENT } from '../events.ts';
import { type CostSum, compact, costCell, costText, count, percent, shortId } from '../format.ts';
import { inVsCode } from '../transport.ts';
import { toCsv, windowDays } from '../usage-days.ts';

const RANGES = [
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
  ['90d', 'last 90 days'],
  ['all', 'all time'],
] as const;

/** The columns of every usage table, with the words the CLI uses. */
const COLUMNS = [['requests', 'requests'], ['errors', 'errors'], ...USAGE_LABELS] as const;

const SERIES = [
  { key: 'input', label: 'input', color: '#3794ff', swatch: 'blue' },
  { key: 'cached_create', label: 'cache write', color: '#d18616', swatch: 'orange' },
  { key: 'cached_read', label: 'cache read', color: '#b180d7', swatch: 'purple' },
  { key: 'output', label: 'output', color: '#89d185', swatch: 'green' },
] as const;

type Row = [service: string, name: string, totals: UsageTotals];
/** One grouping of a report: per service, its total and its groups. */
type Grouped = Partial<Record<ServiceName, { total: UsageTotals; groups: Record<string, UsageTotals> }>>;

function grouped(report: UsageReport, by: UsageGroupBy): Grouped {
  const out: Grouped = {};
  for (const s of SERVICES) {
    const r = report.services[s];
    if (r) out[s] = { total: r.total, groups: r[USAGE_GROUP_KEY[by]] ?? {} };
  }
  return out;
}

const MACHINE_TABLES = [
  ['config', 'By config'],
  ['model', 'By model'],
  ['project', 'By project'],
  ['session', 'By session'],
] as const;
/** The rows a table shows per service, where there can be very many. */
const TABLE_ROWS: Partial<Record<UsageGroupBy, number>> = { session: 20 };
const TEAM_TABLES = [
  ['member', 'By member'],
  ['machine', 'By machine'],
  ['config', 'By config'],
  ['model', 'By model'],
] as const;

/** Tokens and cost over time, by day, config, model, project and session, per service; every table exports as CSV. */
export class ClpUsage extends Page {
  static override properties = {
    ...Page.properties,
    revision: { type: Number },
    team: { attribute: false },
    since: { state: true },
    scope: { state: true },
    days: { state: true },
    tables: { state: true },
  };
  declare revision: number;
  /** The team link (team mode): with it on, the page can show the whole team. */
  declare team: TeamStatus | null;
  declare since: string;
  declare scope: 'machine' | 'team';
  declare days: Grouped | null;
  /** The tables below the chart, by what they group by. */
  declare tables: Partial<Record<string, Grouped>>;
  private loadedFor = '';

  constructor() {
    super();
    this.since = '30d';
    this.scope = 'machine';
    this.team = null;
    this.days = null;
    this.tables = {};
  }

  private get teamOn(): boolean {
    return this.team !== null && this.team.state !== 'off';
  }

  override updated(): void {
    const scope = this.teamOn ? this.scope : 'machine';
    const key = `${scope}:${this.since}:${this.revision}`;
    if (key === this.loadedFor) return;
    this.loadedFor = key;
    void this.reload();
  }

  /** One read at a time; asks that come meanwhile (requests ending under load) make one more after it. */
  private readonly reload = coalesced(() => this.read());

  private async read(): Promise<void> {
    const scope = this.teamOn ? this.scope : 'machine';
    await this.run(async () => {
      if (scope === 'team') {
        const bys = ['day', ...TEAM_TABLES.map(([by]) => by)] as TeamGroupBy[];
        const reports = await Promise.all(bys.map((by) => this.client.call(TeamUsage, { by, since: this.since })));
        this.days = reports[0]!.services;
        this.tables = Object.fromEntries(bys.slice(1).map((by, i) => [by, reports[i + 1]!.services]));
        return;
      }
      // Each report shows as it comes (the config table need not wait for the sessions'), and the
      // session table asks only for the rows it shows: a month holds thousands of sessions.
      const bys = ['day', ...MACHINE_TABLES.map(([by]) => by)] as UsageGroupBy[];
      await Promise.all(
        bys.map(async (by) => {
          const top = TABLE_ROWS[by];
          const report = await this.client.call(UsageGet, { by, since: this.since, ...(top ? { top } : {}) });
          if (by === 'day') this.days = grouped(report, 'day');
          else this.tables = { ...this.tables, [by]: grouped(report, by) };
        }),
      );
    });
  }

  override render() {
    const team = this.teamOn && this.scope === 'team';
    const empty = this.days !== null && SERVICES.every((s) => !this.days![s]?.total.requests);
    const tables = team ? TEAM_TABLES : MACHINE_TABLES;
    return html`
      <div class="toolbar">
        ${
          this.teamOn
            ? html`<select class="scope" aria-label="scope" @change=${(e: Event) => (this.scope = (e.target as HTMLSelectElement).value as 'machine' | 'team')}>
              <option value="machine" ?selected=${!team}>this machine</option>
              <option value="team" ?selected=${team}>the team</option>
            </select>`
            : nothing
        }
        <select class="since" aria-label="window" @change=${(e: Event) => (this.since = (e.target as HTMLSelectElement).value)}>
          ${RANGES.map(([v, label]) => html`<option value=${v} ?selected=${v === this.since}>${label}</option>`)}
        </select>
        ${this.days ? html`<span class="muted">${this.totalsLine(this.days)}</span>` : nothing}
      </div>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${
        empty
          ? html`<div class="empty"><p>No usage in this window yet.</p><p class="muted">${
              team
                ? "Every member's requests are added up here once their CLP has shipped them to the team database."
                : "Every request's tokens (input, cache write, cache read, output) and cost are added up here per day, config and model, and kept after the request log is trimmed. Point Claude Code or Codex at CLP and send a prompt."
            }</p></div>`
          : nothing
      }
      ${this.days && !empty ? this.chart(this.days) : nothing}
      ${empty ? nothing : tables.map(([by, title]) => (this.tables[by] ? this.table(title, this.tables[by]!, by, TABLE_ROWS[by as UsageGroupBy] ?? Infinity) : nothing))}
      ${
        !empty && !team && this.tables.session
          ? html`<p class="muted">By session and project: as far back as the request log goes (its retention). A Claude Code session's project is known once CLP's status line ran in it (<code>clp statusline install</code>, or Set Up Claude Code).</p>`
          : nothing
      }
      ${!empty && team ? html`<p class="muted">The team: every member's requests as their CLP shipped them to the team database (figures only, no prompts).</p>` : nothing}
    `;
  }

  private totalsLine(r: Grouped): string {
    return SERVICES.map((s) => {
      const t = r[s]?.total;
      return t ? `${s}: ${count(t.requests)} requests, ${compact(t.total)} tokens, ${costText(t)}` : '';
    })
      .filter(Boolean)
      .join(' · ');
  }

  private chart(report: Grouped) {
    const byDay = new Map<string, Record<'input' | 'cached_create' | 'cached_read' | 'output' | 'cost', number>>();
    for (const s of SERVICES) {
      for (const [day, t] of Object.entries(report[s]?.groups ?? {})) {
        const d = byDay.get(day) ?? { input: 0, cached_create: 0, cached_read: 0, output: 0, cost: 0 };
        d.input += t.input;
        d.cached_create += t.cached_create;
        d.cached_read += t.cached_read;
        d.output += t.output;
        d.cost += t.cost_usd;
        byDay.set(day, d);
      }
    }
    const days = windowDays(this.since, Date.now(), [...byDay.keys()]);
    const x = days.map((day) => new Date(`${day}T12:00:00`).getTime() / 1000);
    const values = (key: (typeof SERIES)[number]['key']) => days.map((day) => byDay.get(day)?.[key] ?? 0);
    // Stacked: each bar is drawn to the sum of its own metric and those below it, the top one first.
    const stacked: number[][] = [];
    let running = days.map(() => 0);
    for (const s of SERIES) {
      running = running.map((v, i) => v + values(s.key)[i]!);
      stacked.push(running);
    }
    const order = [...SERIES.keys()].reverse();
    return html`<section class="panel">
      <h2>Tokens per day, stacked <span class="muted">${days[0]} to ${days.at(-1)} · cost on the right axis</span></h2>
      <clp-chart
        class="usage-chart"
        days
        from-zero
        .height=${260}
        .xRange=${[x[0]! - 43_200, x.at(-1)! + 43_200]}
        .data=${[x, ...order.map((i) => stacked[i]!), days.map((day) => byDay.get(day)?.cost ?? 0)]}
        .series=${[...order.map((i) => ({ label: SERIES[i]!.label, color: SERIES[i]!.color, bars: true })), { label: 'cost $', color: '#cca700', right: true, dollars: true }]}
      ></clp-chart>
      <div class="legend">
        ${SERIES.map(
          (s) => html`<span><i class="swatch sw-${s.swatch}"></i> ${s.label} <strong>${compact(values(s.key).reduce((a, b) => a + b, 0))}</strong></span>`,
        )}
        <span><i class="swatch sw-yellow"></i> cost <strong>${costText(sumTotals(report))}</strong></span>
      </div>
    </section>`;
  }

  private rows(report: Grouped, limit: number): Row[] {
    const rows: Row[] = [];
    for (const s of SERVICES) {
      const named = Object.entries(report[s]?.groups ?? {}).sort((a, b) => b[1].total - a[1].total);
      for (const [name, t] of named.slice(0, limit)) rows.push([s, name, t]);
    }
    return rows;
  }

  /** One table; at most `limit` rows per service, the largest first (sessions can be many). */
  private table(title: string, report: Grouped, noun: string, limit = Infinity) {
    const key = USAGE_GROUP_KEY[noun as UsageGroupBy] ?? `${noun}s`;
    // A session is its id, shortened as on the Sessions page; the whole id is in the title.
    const shown = (name: string) => (noun === 'session' && name !== NO_SESSION ? html`<code title=${name}>${shortId(name)}</code>` : name);
    const rows = this.rows(report, limit);
    return html`<section class="panel">
      <div class="row"><h2>${title}</h2><span class="grow"></span><button class="csv" data-table=${key} @click=${() => void this.exportCsv(rows, noun)}><i class="codicon codicon-export"></i> Export CSV</button></div>
      <div class="table-scroll">
      <table class="grid usage-table" data-table=${key}>
        <thead><tr><th class="c-service">Service</th><th>${noun}</th>${COLUMNS.map(([m, label]) => html`<th class="num c-${m}">${label}</th>`)}<th class="num c-rate">error rate</th><th class="num">cost</th></tr></thead>
        <tbody>
          ${SERVICES.map((s) => {
            const mine = rows.filter((r) => r[0] === s);
            const total = report[s]?.total;
            if (!mine.length || !total) return nothing;
            return html`${mine.map(([, name, t]) => this.line(s, name ? shown(name) : '(none)', t, false))}${this.line(s, `all ${s}`, total, true)}`;
          })}
        </tbody>
      </table>
      </div>
    </section>`;
  }

  private line(service: string, name: string | TemplateResult, t: UsageTotals, total: boolean) {
    return html`<tr class=${total ? 'total' : ''}>
      <td class="c-service">${service}</td><td class="name">${total ? html`<strong>${name}</strong>` : name}</td>
      ${COLUMNS.map(([m]) => html`<td class="num c-${m} ${m === 'errors' && t.errors ? 'bad' : ''}" title=${count(t[m])}>${m === 'requests' || m === 'errors' ? count(t[m]) : compact(t[m])}</td>`)}
      <td class="num c-rate">${percent(t.errors, t.requests)}</td>
      <td class="num cost">${costCell(t)}</td>
    </tr>`;
  }

  private async exportCsv(rows: Row[], noun: string): Promise<void> {
    const csv = toCsv(
      ['service', noun, ...COLUMNS.map(([, label]) => label), 'cost_usd', 'requests_without_price', 'requests_estimated'],
      rows.map(([s, name, t]) => [s, name, ...COLUMNS.map(([m]) => t[m]), t.cost_usd, t.unpriced, t.estimated ?? 0]),
    );
    const file = `clp-usage${this.teamOn && this.scope === 'team' ? '-team' : ''}-by-${noun}-${this.since}.csv`;
    if (inVsCode()) {
      // A webview cannot download: the CSV goes to the clipboard.
      await navigator.clipboard.writeText(csv);
      this.dispatchEvent(new CustomEvent(TOAST_EVENT, { bubbles: true, detail: `Copied ${rows.length} rows as CSV to the clipboard.` }));
      return;
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    a.download = file;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    this.dispatchEvent(new CustomEvent(TOAST_EVENT, { bubbles: true, detail: `Saved ${file} (${rows.length} rows).` }));
  }
}

function sumTotals(report: Grouped): CostSum {
  const sum = { cost_usd: 0, unpriced: 0, estimated: 0 };
  for (const s of SERVICES) {
    const t = report[s]?.total;
    if (!t) continue;
    sum.cost_usd += t.cost_usd;
    sum.unpriced += t.unpriced;
    sum.estimated += t.estimated ?? 0;
  }
  return sum;
}
customElements.define('clp-usage', ClpUsage);
