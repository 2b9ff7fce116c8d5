import { html, LitElement, nothing } from 'lit';
import { TeamAccounts } from '../../src/shared/protocol.ts';
import { type TeamAccount, type TeamStatus, teamStateText } from '../../src/shared/team.ts';
import type { Client } from '../client.ts';
import { count, time } from '../format.ts';

const REFRESH_MS = 5_000;

/** What the team knows of an account: cooling down, refused, disabled, or fine. */
function health(a: TeamAccount, now: number): { level: 'ok' | 'warn' | 'bad'; text: string } {
  const e = a.event;
  if (!e) return { level: 'ok', text: 'ok' };
  const who = `seen by ${e.member} on ${e.machine}`;
  if (e.kind === 'disabled_today') return { level: 'warn', text: `disabled for today (${who})` };
  if (e.until !== null && e.until <= now) return { level: 'ok', text: 'ok' };
  const until = e.until !== null ? ` until ${time(e.until)}` : '';
  return e.kind === 'credential'
    ? { level: 'bad', text: `credential refused${until} (${who})` }
    : { level: 'warn', text: `cooling down${until}: ${e.reason} (${who})` };
}

/**
 * Team mode, on the Overview: the accounts the team used in the last day, who used them and their
 * health as any member saw it (a 429 on one machine cools the account on all of them).
 */
export class ClpTeamAccounts extends LitElement {
  static override properties = { client: { attribute: false }, team: { attribute: false }, accounts: { state: true }, error: { state: true } };
  declare client: Client;
  declare team: TeamStatus;
  declare accounts: TeamAccount[] | null;
  declare error: string | null;
  private timer: number | undefined;

  constructor() {
    super();
    this.accounts = null;
    this.error = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.timer = window.setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    try {
      this.accounts = await this.client.call(TeamAccounts, {});
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  override render() {
    const now = Date.now();
    const t = this.team;
    return html`<section class="panel team-accounts">
      <h2>Shared accounts <span class="muted">team · last 24 hours · ${teamStateText(t)}</span></h2>
      ${this.error ? html`<p class="bad team-error">${this.error}</p>` : nothing}
      ${
        this.accounts === null
          ? html`<p class="muted">Loading…</p>`
          : this.accounts.length === 0
            ? html`<p class="muted">No account used by the team in the last day yet.</p>`
            : html`<div class="table-scroll"><table class="grid compact">
          <thead><tr><th>Service</th><th>Account</th><th>Members</th><th class="num">Req</th><th class="num">Err</th><th>Health</th></tr></thead>
          <tbody>
            ${this.accounts.map((a) => {
              const h = health(a, now);
              return html`<tr data-account=${a.account}>
                <td>${a.service}</td>
                <td>${a.config ? html`<span class="name">${a.config}</span>` : html`<span class="muted" title="not configured on this machine">${a.account.slice(0, 8)}…</span>`}</td>
                <td>${a.members.join(', ') || '–'}</td>
                <td class="num">${count(a.requests)}</td>
                <td class="num ${a.errors ? 'bad' : ''}">${count(a.errors)}</td>
                <td><span class="dot ${h.level}"></span> <span class="health-word ${h.level}">${h.text}</span></td>
              </tr>`;
            })}
          </tbody>
        </table></div>`
      }
    </section>`;
  }
}
customElements.define('clp-team-accounts', ClpTeamAccounts);
