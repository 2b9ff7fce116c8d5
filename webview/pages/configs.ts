import { html, nothing } from 'lit';
import type { ConfigView, ConnectivityResult, DashboardState, OverviewData } from '../../src/shared/dashboard.ts';
import { memberHealth } from '../../src/shared/health.ts';
import { ConfigActivate, ConfigDelete, ConfigSave, ConfigSaveRaw, ConfigTest, ConfigsRaw, OverviewGet } from '../../src/shared/protocol.ts';
import { costCell, count, time } from '../format.ts';
import { TOAST_EVENT } from '../events.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { SERVICE_PROFILE } from '../../src/shared/service-profile.ts';
import { Page } from '../base.ts';

interface Draft {
  original?: string;
  name: string;
  base_url: string;
  keyKind: 'auth_token' | 'api_key';
  key: string;
  weight: string;
}

/** Add, edit, rename, delete, activate and test configs; a form, or the raw file with keys masked. */
export class ClpConfigs extends Page {
  static override properties = {
    ...Page.properties,
    state: { attribute: false },
    service: { state: true },
    draft: { state: true },
    raw: { state: true },
    testing: { state: true },
    result: { state: true },
    rawBroken: { state: true },
    today: { state: true },
  };
  declare state: DashboardState;
  declare service: ServiceName;
  declare draft: Draft | null;
  declare raw: string | null;
  declare testing: { name: string; model: string; effort: string } | null;
  declare result: ConnectivityResult | 'running' | null;
  /** The file's error when the raw editor opened it broken (saving then repairs it). */
  declare rawBroken: string | null;
  declare today: OverviewData | null;
  private todayFor: unknown = null;

  constructor() {
    super();
    this.service = 'claude';
    this.draft = null;
    this.raw = null;
    this.testing = null;
    this.result = null;
    this.rawBroken = null;
    this.today = null;
  }

  override updated(): void {
    // Today's figures per config follow the state (which changes with every request).
    if (this.todayFor === this.state) return;
    this.todayFor = this.state;
    void this.client
      .call(OverviewGet, {})
      .then((d) => (this.today = d))
      .catch(() => undefined);
  }

  /** Leaves whatever was open (form, raw editor, test) and the error it showed. */
  private reset(): void {
    this.draft = null;
    this.raw = null;
    this.rawBroken = null;
    this.testing = null;
    this.error = null;
  }

  private get configs(): ConfigView[] {
    return this.state.configs[this.service];
  }

  private edit(c?: ConfigView): void {
    this.reset();
    this.draft = c
      ? {
          original: c.name,
          name: c.name,
          base_url: c.base_url,
          keyKind: c.api_key && !c.auth_token ? 'api_key' : 'auth_token',
          key: c.auth_token ?? c.api_key ?? '',
          weight: String(c.weight),
        }
      : { name: '', base_url: '', keyKind: SERVICE_PROFILE[this.service].keyField, key: '', weight: '' };
  }

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    const d = this.draft!;
    const other = d.keyKind === 'auth_token' ? 'api_key' : 'auth_token';
    const original = d.original ? this.configs.find((c) => c.name === d.original) : undefined;
    const originalKind = original?.api_key && !original.auth_token ? 'api_key' : 'auth_token';
    const done = await this.run(() =>
      this.client.call(ConfigSave, {
        service: this.service,
        ...(d.original ? { original: d.original } : {}),
        name: d.name.trim(),
        base_url: d.base_url.trim(),
        [d.keyKind]: d.key,
        // Switching the kind of key moves it: the other field is cleared.
        [other]: original && originalKind !== d.keyKind ? null : undefined,
        weight: Number(d.weight) || 0,
      }),
    );
    if (done) {
      this.draft = null;
      this.toast(`Saved "${d.name.trim()}" to ${this.service}.json: the next request uses it.`);
    }
  }

  private toast(text: string): void {
    this.dispatchEvent(new CustomEvent(TOAST_EVENT, { bubbles: true, detail: text }));
  }

  private async openRaw(): Promise<void> {
    this.reset();
    const r = await this.run(() => this.client.call(ConfigsRaw, { service: this.service }));
    if (r) {
      this.raw = r.text;
      this.rawBroken = r.broken;
    }
  }

  private async saveRaw(): Promise<void> {
    const repaired = this.rawBroken !== null;
    const done = await this.run(() => this.client.call(ConfigSaveRaw, { service: this.service, text: this.raw ?? '' }));
    if (done) {
      this.raw = null;
      this.rawBroken = null;
      this.toast(repaired ? `${this.service}.json is repaired and loaded.` : `Saved ${this.service}.json: the next request uses it.`);
    }
  }

  private async removeConfig(name: string): Promise<void> {
    if (!confirm(`Delete config "${name}"?`)) return;
    await this.run(() => this.client.call(ConfigDelete, { service: this.service, name }));
  }

  private async test(): Promise<void> {
    const t = this.testing!;
    this.result = 'running';
    const r = await this.run(() =>
      this.client.call(ConfigTest, {
        service: this.service,
        name: t.name,
        model: t.model,
        ...(SERVICE_PROFILE[this.service].reasoningEffort && t.effort ? { effort: t.effort as 'low' } : {}),
      }),
    );
    this.result = r ?? null;
  }

  override render() {
    const file = this.state.status.services[this.service].config;
    return html`
      <div class="toolbar">
        ${SERVICES.map((s) => html`<button class="tab ${s === this.service ? 'on' : ''}" @click=${() => ((this.service = s), this.reset())}>${s}</button>`)}
        <span class="grow"></span>
        <button class="add-config" @click=${() => this.edit()}><i class="codicon codicon-add"></i> Add</button>
        <button class="open-raw" @click=${() => void this.openRaw()}><i class="codicon codicon-json"></i> Raw JSON</button>
      </div>
      ${
        file.error
          ? html`<div class="banner error file-broken" role="alert">
            <strong>${this.service}.json does not load:</strong> ${file.error}<br />
            <span class="muted">File: <code>${file.file}</code>. ${file.configs ? `The last good version (${file.configs} configs) keeps serving until it is fixed.` : 'Nothing serves until it is fixed.'}</span>
            ${this.raw === null ? html`<button class="primary repair" @click=${() => void this.openRaw()}><i class="codicon codicon-edit"></i> Open it as written and fix it here</button>` : nothing}
          </div>`
          : nothing
      }
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.draft ? this.form(this.draft) : nothing} ${this.raw !== null ? this.rawEditor() : nothing} ${this.testing ? this.testPanel() : nothing}
      ${
        this.configs.length
          ? html`<div class="table-scroll"><table class="grid configs">
        <thead><tr><th>Health</th><th>Name</th><th>Base URL</th><th>Key</th><th class="num">Weight</th><th class="num">Today</th><th>Last error</th><th>Last test</th><th></th></tr></thead>
        <tbody>
          ${this.configs.map((c) => this.line(c))}
        </tbody>
      </table></div>`
          : html`<div class="empty">
            <p>No ${this.service} configs yet.</p>
            <p class="muted">A config is one upstream: the official API or a relay, with its base URL and key. ${
              SERVICE_PROFILE[this.service].v1InBaseUrl
                ? 'Codex base URLs end in /v1 (https://api.openai.com/v1).'
                : 'Claude base URLs carry no /v1 (https://api.anthropic.com, or https://your-relay.example).'
            } Add one, then "Test" sends a tiny request to prove it works.</p>
            <button class="primary" @click=${() => this.edit()}><i class="codicon codicon-add"></i> Add the first ${this.service} config</button>
          </div>`
      }
    `;
  }

  private line(c: ConfigView) {
    const member = this.state.pools[this.service].members.find((m) => m.name === c.name);
    const h = member ? memberHealth(member, Date.now()) : null;
    const today = this.today?.services[this.service].configs[c.name];
    const last = today?.last_error ?? (member?.lastFailure ? { at: member.lastFailure.at, error: member.lastFailure.reason } : null);
    const t = c.last_test;
    return html`<tr data-name=${c.name}>
      <td data-label="Health">${h ? html`<span class="dot ${h.level}" title=${h.text}></span> <span class="health-word ${h.level}">${h.level === 'ok' ? 'ok' : h.text}</span>` : nothing}</td>
      <td class="name" data-label="Name">${c.name}${c.active ? html` <span class="tag">active</span>` : nothing}</td>
      <td data-label="Base URL"><code>${c.base_url}</code></td>
      <td data-label="Key"><code class="key">${c.auth_token ?? c.api_key ?? '–'}</code> <span class="muted">${c.auth_token ? 'auth_token' : c.api_key ? 'api_key' : ''}</span></td>
      <td class="num" data-label="Weight">${c.weight}</td>
      <td class="num" data-label="Today">${today ? html`${count(today.requests)} req · ${costCell(today)}` : '0 req'}</td>
      <td class="last-error muted" data-label="Last error">${last ? `${time(last.at)} · ${last.error}` : '–'}</td>
      <td class="last-test" data-label="Last test">${t ? html`<span class=${t.ok ? 'ok' : 'bad'}>${t.ok ? 'works' : `failed${t.status ? ` (${t.status})` : ''}`}</span> <span class="muted">${time(t.at)}</span>` : html`<span class="muted">not tested</span>`}</td>
      <td class="actions">
        ${c.active ? nothing : html`<button class="activate" @click=${() => void this.activate(c.name)}>Activate</button>`}
        <button class="test" @click=${() => ((this.testing = { name: c.name, model: t?.model ?? SERVICE_PROFILE[this.service].testModels[0]!, effort: 'low' }), (this.result = t ?? null))}>Test</button>
        <button class="edit" @click=${() => this.edit(c)}>Edit</button>
        <button class="delete" title="delete" aria-label="delete ${c.name}" @click=${() => void this.removeConfig(c.name)}><i class="codicon codicon-trash"></i></button>
      </td>
    </tr>`;
  }

  private async activate(name: string): Promise<void> {
    const was = this.state.status.services[this.service].active;
    const done = await this.run(() => this.client.call(ConfigActivate, { service: this.service, name }));
    if (done) this.toast(`${SERVICE_PROFILE[this.service].label} now uses "${name}"${was ? ` instead of "${was}"` : ''}: the next request goes there.`);
  }

  private form(d: Draft) {
    const set = (k: keyof Draft) => (e: Event) => (this.draft = { ...d, [k]: (e.target as HTMLInputElement).value });
    return html`<form class="panel config-form" @submit=${(e: Event) => void this.save(e)}>
      <h2>${d.original ? `Edit ${d.original}` : `New ${this.service} config`}</h2>
      <label>Name <input name="name" required .value=${d.name} @input=${set('name')} /></label>
      <label>Base URL <input name="base_url" required type="url" placeholder=${SERVICE_PROFILE[this.service].v1InBaseUrl ? 'https://your-relay.example/v1 (official: https://api.openai.com/v1)' : 'https://your-relay.example, no /v1 (official: https://api.anthropic.com)'} .value=${d.base_url} @input=${set('base_url')} /></label>
      <label
        >Key
        <select name="keyKind" @change=${set('keyKind')}>
          <option value="auth_token" ?selected=${d.keyKind === 'auth_token'}>auth_token (Authorization: Bearer)</option>
          <option value="api_key" ?selected=${d.keyKind === 'api_key'}>api_key (x-api-key)</option>
        </select>
        <input name="key" type="password" autocomplete="off" placeholder=${d.original ? 'unchanged' : 'sk-…'} .value=${d.key} @input=${set('key')} />
      </label>
      <label>Weight <input name="weight" type="number" min="0" placeholder="optional: in a pool, higher goes first" .value=${d.weight} @input=${set('weight')} /></label>
      <div class="row"><button type="submit" class="primary">Save</button><button type="button" @click=${() => this.reset()}>Cancel</button></div>
    </form>`;
  }

  private rawEditor() {
    return html`<div class="panel">
      <h2>${this.service}.json <span class="muted">(keys masked: leave a masked value as it is to keep that key)</span></h2>
      ${this.rawBroken ? html`<p class="bad raw-broken">As written on disk, with the error: ${this.rawBroken}. Fix it here and save: CLP checks it before it replaces the file.</p>` : nothing}
      <textarea class="raw code" rows="16" spellcheck="false" .value=${this.raw ?? ''} @input=${(e: Event) => (this.raw = (e.target as HTMLTextAreaElement).value)}></textarea>
      <div class="row"><button class="primary save-raw" @click=${() => void this.saveRaw()}>Save</button><button @click=${() => this.reset()}>Cancel</button></div>
    </div>`;
  }

  private testPanel() {
    const t = this.testing!;
    const r = this.result;
    return html`<div class="panel test-panel">
      <h2>Test ${t.name}</h2>
      <p class="muted">Sends one tiny request ("Reply with the word OK.", 16 tokens at most) with this config's key. Nothing of yours is in it.</p>
      <label>Model <input class="test-model" list="models" .value=${t.model} @input=${(e: Event) => (this.testing = { ...t, model: (e.target as HTMLInputElement).value })} /></label>
      <datalist id="models">${SERVICE_PROFILE[this.service].testModels.map((m) => html`<option value=${m}></option>`)}</datalist>
      ${
        SERVICE_PROFILE[this.service].reasoningEffort
          ? html`<label>Reasoning <select @change=${(e: Event) => (this.testing = { ...t, effort: (e.target as HTMLSelectElement).value })}>
            ${['minimal', 'low', 'medium', 'high'].map((x) => html`<option ?selected=${x === t.effort}>${x}</option>`)}
          </select></label>`
          : nothing
      }
      <div class="row"><button class="primary run-test" ?disabled=${r === 'running'} @click=${() => void this.test()}>Run test</button><button @click=${() => ((this.testing = null), (this.result = null))}>Close</button></div>
      ${
        r && r !== 'running'
          ? html`<div class="test-result ${r.ok ? 'ok' : 'bad'}">
            <strong>${r.ok ? 'Works' : 'Failed'}</strong> ${r.status ?? 'no answer'} in ${r.ms} ms · <code>${r.model}</code> · <code>${r.url}</code> <span class="muted">at ${time(r.at)}</span>
            ${r.hint ? html`<p class="hint">${r.hint}</p>` : nothing}
            <pre>${r.message}</pre>
            ${
              r.models?.length
                ? html`<div class="models-offer"><span class="muted">The upstream lists:</span>${r.models
                    .slice(0, 24)
                    .map(
                      (m) => html`<button class="model-choice" @click=${() => ((this.testing = { ...t, model: m }), void this.test())}>${m}</button>`,
                    )}</div>`
                : nothing
            }
          </div>`
          : r === 'running'
            ? html`<p class="muted">Testing…</p>`
            : nothing
      }
    </div>`;
  }
}
customElements.define('clp-configs', ClpConfigs);
