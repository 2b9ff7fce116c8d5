import { html, nothing } from 'lit';
import type { ConfigView, ConnectivityResult, DashboardState } from '../../src/shared/dashboard.ts';
import { ConfigActivate, ConfigDelete, ConfigSave, ConfigSaveRaw, ConfigTest, ConfigsRaw } from '../../src/shared/protocol.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { SERVICE_PROFILE } from '../../src/shared/service-profile.ts';
import { Page } from '../base.ts';
import { TEST_MODELS } from '../../src/shared/models.ts';

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
  };
  declare state: DashboardState;
  declare service: ServiceName;
  declare draft: Draft | null;
  declare raw: string | null;
  declare testing: { name: string; model: string; effort: string } | null;
  declare result: ConnectivityResult | 'running' | null;

  constructor() {
    super();
    this.service = 'claude';
    this.draft = null;
    this.raw = null;
    this.testing = null;
    this.result = null;
  }

  private get configs(): ConfigView[] {
    return this.state.configs[this.service];
  }

  private edit(c?: ConfigView): void {
    this.raw = null;
    this.draft = c
      ? {
          original: c.name,
          name: c.name,
          base_url: c.base_url,
          keyKind: c.api_key && !c.auth_token ? 'api_key' : 'auth_token',
          key: c.auth_token ?? c.api_key ?? '',
          weight: String(c.weight),
        }
      : { name: '', base_url: SERVICE_PROFILE[this.service].defaultBaseUrl, keyKind: SERVICE_PROFILE[this.service].keyField, key: '', weight: '0' };
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
    if (done) this.draft = null;
  }

  private async openRaw(): Promise<void> {
    this.draft = null;
    const r = await this.run(() => this.client.call(ConfigsRaw, { service: this.service }));
    if (r) this.raw = r.text;
  }

  private async saveRaw(): Promise<void> {
    const done = await this.run(() => this.client.call(ConfigSaveRaw, { service: this.service, text: this.raw ?? '' }));
    if (done) this.raw = null;
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
    return html`
      <div class="toolbar">
        ${SERVICES.map((s) => html`<button class="tab ${s === this.service ? 'on' : ''}" @click=${() => ((this.service = s), (this.draft = null), (this.raw = null))}>${s}</button>`)}
        <span class="grow"></span>
        <button class="add-config" @click=${() => this.edit()}><i class="codicon codicon-add"></i> Add</button>
        <button @click=${() => void this.openRaw()}><i class="codicon codicon-json"></i> Raw JSON</button>
      </div>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.draft ? this.form(this.draft) : nothing} ${this.raw !== null ? this.rawEditor() : nothing} ${this.testing ? this.testPanel() : nothing}
      <table class="grid configs">
        <thead><tr><th></th><th>Name</th><th>Base URL</th><th>Key</th><th>Weight</th><th></th></tr></thead>
        <tbody>
          ${this.configs.map(
            (c) => html`<tr data-name=${c.name}>
              <td>${c.active ? html`<i class="codicon codicon-pass-filled ok" title="active"></i>` : nothing}</td>
              <td>${c.name}</td>
              <td><code>${c.base_url}</code></td>
              <td><code class="key">${c.auth_token ?? c.api_key ?? '–'}</code> <span class="muted">${c.auth_token ? 'token' : c.api_key ? 'api key' : ''}</span></td>
              <td>${c.weight}</td>
              <td class="actions">
                ${c.active ? nothing : html`<button class="activate" @click=${() => void this.run(() => this.client.call(ConfigActivate, { service: this.service, name: c.name }))}>Activate</button>`}
                <button class="test" @click=${() => ((this.testing = { name: c.name, model: TEST_MODELS[this.service][0]!, effort: 'low' }), (this.result = null))}>Test</button>
                <button class="edit" @click=${() => this.edit(c)}>Edit</button>
                <button class="delete" @click=${() => void this.removeConfig(c.name)}><i class="codicon codicon-trash"></i></button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.configs.length ? nothing : html`<p class="muted">No ${this.service} configs yet.</p>`}
    `;
  }

  private form(d: Draft) {
    const set = (k: keyof Draft) => (e: Event) => (this.draft = { ...d, [k]: (e.target as HTMLInputElement).value });
    return html`<form class="panel config-form" @submit=${(e: Event) => void this.save(e)}>
      <h2>${d.original ? `Edit ${d.original}` : `New ${this.service} config`}</h2>
      <label>Name <input name="name" required .value=${d.name} @input=${set('name')} /></label>
      <label>Base URL <input name="base_url" required type="url" .value=${d.base_url} @input=${set('base_url')} /></label>
      <label
        >Key
        <select name="keyKind" @change=${set('keyKind')}>
          <option value="auth_token" ?selected=${d.keyKind === 'auth_token'}>auth_token (Authorization: Bearer)</option>
          <option value="api_key" ?selected=${d.keyKind === 'api_key'}>api_key (x-api-key)</option>
        </select>
        <input name="key" type="password" autocomplete="off" placeholder=${d.original ? 'unchanged' : 'sk-…'} .value=${d.key} @input=${set('key')} />
      </label>
      <label>Weight <input name="weight" type="number" min="0" .value=${d.weight} @input=${set('weight')} /></label>
      <div class="row"><button type="submit" class="primary">Save</button><button type="button" @click=${() => (this.draft = null)}>Cancel</button></div>
    </form>`;
  }

  private rawEditor() {
    return html`<div class="panel">
      <h2>${this.service}.json <span class="muted">(keys masked: leave a masked value as it is to keep that key)</span></h2>
      <textarea class="raw code" rows="16" spellcheck="false" .value=${this.raw ?? ''} @input=${(e: Event) => (this.raw = (e.target as HTMLTextAreaElement).value)}></textarea>
      <div class="row"><button class="primary save-raw" @click=${() => void this.saveRaw()}>Save</button><button @click=${() => (this.raw = null)}>Cancel</button></div>
    </div>`;
  }

  private testPanel() {
    const t = this.testing!;
    const r = this.result;
    return html`<div class="panel test-panel">
      <h2>Test ${t.name}</h2>
      <p class="muted">Sends one tiny request ("Reply with the word OK.", 16 tokens at most) with this config's key. Nothing of yours is in it.</p>
      <label>Model <input list="models" .value=${t.model} @input=${(e: Event) => (this.testing = { ...t, model: (e.target as HTMLInputElement).value })} /></label>
      <datalist id="models">${TEST_MODELS[this.service].map((m) => html`<option value=${m}></option>`)}</datalist>
      ${
        SERVICE_PROFILE[this.service].reasoningEffort
          ? html`<label>Reasoning <select @change=${(e: Event) => (this.testing = { ...t, effort: (e.target as HTMLSelectElement).value })}>
            ${['minimal', 'low', 'medium', 'high'].map((x) => html`<option ?selected=${x === t.effort}>${x}</option>`)}
          </select></label>`
          : nothing
      }
      <div class="row"><button class="primary run-test" ?disabled=${r === 'running'} @click=${() => void this.test()}>Run test</button><button @click=${() => (this.testing = null)}>Close</button></div>
      ${
        r && r !== 'running'
          ? html`<div class="test-result ${r.ok ? 'ok' : 'bad'}">
            <strong>${r.ok ? 'Works' : 'Failed'}</strong> ${r.status ?? 'no answer'} in ${r.ms} ms · <code>${r.url}</code>
            <pre>${r.message}</pre>
          </div>`
          : r === 'running'
            ? html`<p class="muted">Testing…</p>`
            : nothing
      }
    </div>`;
  }
}
customElements.define('clp-configs', ClpConfigs);
