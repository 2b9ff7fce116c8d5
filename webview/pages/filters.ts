import { html, nothing } from 'lit';
import type { FilterModuleView, FilterTry } from '../../src/shared/dashboard.ts';
import { FiltersDetectors, FiltersGet, FiltersSave, FiltersTry } from '../../src/shared/protocol.ts';
import type { FilterRuleInput } from '../../src/shared/rules.ts';
import { SERVICES, type ServiceName } from '../../src/shared/services.ts';
import { Page } from '../base.ts';
import { count, time } from '../format.ts';

const DETECTOR_LABELS: Record<string, string> = {
  anthropic: 'Anthropic keys',
  openai: 'OpenAI keys',
  aws: 'AWS access keys',
  github: 'GitHub tokens',
  private_key: 'private keys (PEM)',
  jwt: 'JWTs',
};

/** Edit filter rules (applied in order to every prompt) and try them on sample text before saving. */
export class ClpFilters extends Page {
  static override properties = {
    ...Page.properties,
    revision: { type: Number },
    rules: { state: true },
    detectors: { state: true },
    available: { state: true },
    modules: { state: true },
    fileError: { state: true },
    dirty: { state: true },
    sample: { state: true },
    tried: { state: true },
    saved: { state: true },
  };
  declare revision: number;
  declare rules: FilterRuleInput[];
  declare detectors: string[];
  declare available: string[];
  declare modules: FilterModuleView[];
  declare fileError: string | null;
  declare dirty: boolean;
  declare sample: string;
  declare tried: FilterTry | null;
  declare saved: boolean;
  private loadedFor = -1;

  constructor() {
    super();
    this.rules = [];
    this.detectors = [];
    this.available = [];
    this.modules = [];
    this.fileError = null;
    this.dirty = false;
    this.sample = 'My key is sk-ant-api03-EXAMPLE0000000000000000 and my email is me@example.com';
    this.tried = null;
    this.saved = false;
  }

  override updated(): void {
    // A change elsewhere reloads the rules, unless the user is in the middle of editing them.
    if (this.revision === this.loadedFor || this.dirty) return;
    this.loadedFor = this.revision;
    const before = this.rules;
    void this.run(async () => {
      const v = await this.client.call(FiltersGet, {});
      // Rules added while the load was in flight are the user's: kept after the saved ones.
      this.rules = this.dirty ? [...v.rules, ...this.rules.filter((r) => !before.includes(r))] : v.rules;
      this.detectors = v.detectors;
      this.available = v.detectorsAvailable;
      this.modules = v.modules ?? [];
      this.fileError = v.error;
    });
  }

  private modulesPanel() {
    return html`<section class="panel filter-modules">
      <h2>Filter modules <span class="muted"><code>filters/*.mjs</code> in your CLP folder, after the rules and detectors, in file-name order; reloaded when a file changes</span></h2>
      ${
        this.modules.length
          ? html`<div class="table-scroll"><table class="grid compact">
            <thead><tr><th>Module</th><th class="num">Changed</th><th class="num">Ran</th><th>On failure</th><th>Last error</th></tr></thead>
            <tbody>
              ${this.modules.map(
                (m) => html`<tr data-module=${m.name}>
                  <td><code>${m.name}</code></td>
                  <td class="num">${count(m.hits)}</td>
                  <td class="num">${count(m.runs)}</td>
                  <td>${m.failOpen ? 'skipped (fail-open)' : 'request stopped'}</td>
                  <td class=${m.lastError ? 'bad' : 'muted'}>${m.lastError ? `${time(m.lastError.at)} · ${m.lastError.message}` : '–'}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
          : html`<p class="muted">None. A module is a file like <code>filters/10-redact.mjs</code> exporting <code>export default function (body, context) { return body; }</code>: it gets the request as JSON (and the service, config, model and session) and returns the body to send. One that throws, returns no object or takes longer than its budget stops the request, so a broken redaction never lets a secret through.</p>`
      }
    </section>`;
  }

  private change(i: number, patch: Partial<FilterRuleInput>): void {
    this.rules = this.rules.map((r, j) => (j === i ? { ...r, ...patch } : r));
    this.dirty = true;
    this.saved = false;
  }

  private async save(): Promise<void> {
    const v = await this.run(() => this.client.call(FiltersSave, { rules: this.rules }));
    if (v) {
      this.rules = v.rules;
      this.fileError = v.error;
      this.dirty = false;
      this.saved = true;
    }
  }

  private async toggleDetector(name: string, on: boolean): Promise<void> {
    const next = on ? [...this.detectors, name] : this.detectors.filter((d) => d !== name);
    const v = await this.run(() => this.client.call(FiltersDetectors, { detectors: next }));
    if (v) this.detectors = v.detectors;
  }

  private async tryRules(service: ServiceName): Promise<void> {
    const t = await this.run(() => this.client.call(FiltersTry, { rules: this.rules, sample: this.sample, service }));
    if (t) this.tried = t;
  }

  override render() {
    return html`
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.fileError ? html`<div class="banner error">${this.fileError} (the previous rules stay in force; saving here replaces the file)</div>` : nothing}
      <section class="panel">
        <h2>Rules <span class="muted">run in order over every prompt string; signed thinking is never touched</span></h2>
        ${
          this.rules.length
            ? html`<table class="grid filters">
          <thead><tr><th class="num">#</th><th>On</th><th>Name</th><th>Match</th><th>Find</th><th>Action</th><th>Replace with</th><th>Services</th><th></th></tr></thead>
          <tbody>
            ${this.rules.map(
              (r, i) => html`<tr>
                <td class="num">${i + 1}</td>
                <td><input type="checkbox" aria-label="rule ${i + 1} on" .checked=${r.enabled !== false} @change=${(e: Event) => this.change(i, { enabled: (e.target as HTMLInputElement).checked })} /></td>
                <td><input class="rule-name" placeholder="#${i + 1}" .value=${r.name ?? ''} @input=${(e: Event) => this.change(i, { name: (e.target as HTMLInputElement).value || undefined })} /></td>
                <td>
                  <select class="rule-match" @change=${(e: Event) => this.change(i, { match: (e.target as HTMLSelectElement).value as 'literal' })}>
                    <option value="literal" ?selected=${r.match === 'literal'} title="the text as it is">literal</option>
                    <option value="regex" ?selected=${(r.match ?? 'regex') === 'regex'} title="a regular expression">regex</option>
                  </select>
                </td>
                <td><input class="rule-source code" .value=${r.source} @input=${(e: Event) => this.change(i, { source: (e.target as HTMLInputElement).value })} /></td>
                <td>
                  <select class="rule-op" @change=${(e: Event) => this.change(i, { op: (e.target as HTMLSelectElement).value as 'replace' })}>
                    <option value="replace" ?selected=${r.op === 'replace'}>replace</option>
                    <option value="remove" ?selected=${r.op === 'remove'}>remove</option>
                  </select>
                </td>
                <td><input class="rule-target code" ?disabled=${r.op === 'remove'} placeholder=${r.op === 'remove' ? '(removed)' : ''} .value=${r.op === 'remove' ? '' : (r.target ?? '')} @input=${(e: Event) => this.change(i, { target: (e.target as HTMLInputElement).value })} /></td>
                <td>
                  <select @change=${(e: Event) => {
                    const v = (e.target as HTMLSelectElement).value;
                    this.change(i, { services: v ? [v as ServiceName] : undefined });
                  }}>
                    <option value="" ?selected=${r.services?.length !== 1}>all</option>
                    ${SERVICES.map((s) => html`<option value=${s} ?selected=${r.services?.length === 1 && r.services[0] === s}>${s}</option>`)}
                  </select>
                </td>
                <td><button @click=${() => ((this.rules = this.rules.filter((_, j) => j !== i)), (this.dirty = true))}><i class="codicon codicon-trash"></i></button></td>
              </tr>`,
            )}
          </tbody>
        </table>`
            : nothing
        }
        <div class="row">
          <button class="add-rule" @click=${() => ((this.rules = [...this.rules, { source: '', op: 'replace', target: '[REDACTED]', match: 'literal', enabled: true }]), (this.dirty = true))}><i class="codicon codicon-add"></i> Add rule</button>
          <button class="primary save-filters" ?disabled=${!this.dirty} @click=${() => void this.save()}>Save</button>
          ${this.saved ? html`<span class="ok saved">Saved: the next request uses these rules.</span>` : nothing}
        </div>
        ${this.rules.length ? nothing : html`<div class="empty"><p>No rules yet.</p><p class="muted">A rule finds a literal text or a regex in every prompt and replaces it (say, a password with <code>[db password]</code>) or removes it before the request leaves your machine; the log keeps only the filtered text. Add one, try it below, then save.</p></div>`}
      </section>
      <section class="panel detectors">
        <h2>Built-in detectors <span class="muted">replace a secret they recognise with <code>[REDACTED:name]</code>, after the rules (saved in settings.json)</span></h2>
        <div class="row">
          ${this.available.map(
            (d) =>
              html`<label class="detector"><input type="checkbox" data-detector=${d} .checked=${this.detectors.includes(d)} @change=${(e: Event) => void this.toggleDetector(d, (e.target as HTMLInputElement).checked)} /> ${DETECTOR_LABELS[d] ?? d}</label>`,
          )}
        </div>
      </section>
      ${this.modulesPanel()}
      <section class="panel">
        <h2>Try <span class="muted">what a prompt becomes with these rules (saved or not) and the detectors that are on</span></h2>
        <textarea class="sample code" rows="4" .value=${this.sample} @input=${(e: Event) => (this.sample = (e.target as HTMLTextAreaElement).value)}></textarea>
        <div class="row">${SERVICES.map((service, i) => html`<button class=${i === 0 ? 'try' : ''} @click=${() => void this.tryRules(service)}>Try (${service})</button>`)}</div>
        ${
          this.tried
            ? html`<pre class="tried">${this.tried.output}</pre>
              <p class="muted">${
                Object.keys(this.tried.hits).length
                  ? Object.entries(this.tried.hits)
                      .map(([k, n]) => `${k}: ${n}`)
                      .join(' · ')
                  : this.detectors.length
                    ? 'no rule or detector matched'
                    : "no rule matched (the built-in detectors are off: switch one on above to catch keys like this sample's)"
              }</p>`
            : nothing
        }
      </section>
    `;
  }
}
customElements.define('clp-filters', ClpFilters);
