import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/log.ts';
import { clpPaths, resolveHome } from '../core/paths.ts';
import { hostForUrl } from '../core/net.ts';
import { ensureClientSecret } from '../core/owner/client-secret.ts';
import { claudeConfigFacts } from '../core/setup/doctor-facts.ts';
import type { DashboardState } from '../shared/dashboard.ts';
import type { PoolStatus } from '../shared/pool.ts';
import {
  ConfigActivate,
  ConfigSave,
  ConfigTest,
  DidChangeState,
  DidEndRequest,
  PoolAct,
  PoolGet,
  SessionsBind,
  SessionsList,
  StatusGet,
} from '../shared/protocol.ts';
import { type SessionNode, SessionTree } from './session-tree.ts';
import { SERVICES, type ServiceName } from '../shared/services.ts';
import { clientUrl, SERVICE_PROFILE } from '../shared/service-profile.ts';
import { runDoctor, setUpClaudeCode, setUpCodex, setUpGeminiCli, undoSetup, type SetupContext } from './client-setup.ts';
import { DashboardPanel } from './dashboard-panel.ts';
import { FirstRun } from './first-run.ts';
import { Ownership, type OwnershipState } from './ownership.ts';
import { editorSettingsInput } from './settings-map.ts';
import type { SettingsSchema } from '../core/settings.ts';
import { renderStatusBar } from './status-render.ts';
import { ConfigTree, UsageTree, type ConfigNode } from './tree.ts';

/**
 * Everything the extension puts in the editor, built on one Ownership: the status bar item, the
 * tree views, the commands, the dashboard webview and client setup. Whether this window owns the
 * ports or attaches to another owner, every read and change goes through the owner link.
 */
export class ClpExtension {
  private readonly ownership: Ownership;
  private readonly status = vscode.window.createStatusBarItem('clp.status', vscode.StatusBarAlignment.Left, 100);
  private readonly configs = new ConfigTree();
  private readonly usage = new UsageTree();
  private readonly sessions = new SessionTree();
  private readonly panel: DashboardPanel;
  private dashboard: DashboardState | null = null;
  private readonly feed = new AbortController();
  private refreshTimer: NodeJS.Timeout | null = null;
  private lastBlocked = '';

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    log: Logger,
  ) {
    const config = vscode.workspace.getConfiguration('clp');
    const settings = (schema: SettingsSchema) => {
      const { input, errors } = editorSettingsInput((key) => config.get(key), schema);
      for (const e of errors) void vscode.window.showErrorMessage(`CLP settings: ${e} (the default is used)`);
      return input;
    };
    this.ownership = new Ownership({ env: process.env, settings, log, assetsDir: join(context.extensionPath, 'dist', 'webview') });
    this.panel = new DashboardPanel(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), () => this.ownership.link);
  }

  async activate(): Promise<void> {
    const c = this.context;
    this.status.name = 'CLP';
    this.status.command = 'clp.activateConfig';
    this.status.show();
    c.subscriptions.push(
      this.status,
      vscode.window.registerTreeDataProvider('clp.configs', this.configs),
      vscode.window.registerTreeDataProvider('clp.usage', this.usage),
      vscode.window.registerTreeDataProvider('clp.sessions', this.sessions),
    );
    this.registerCommands();
    await this.ownership.init();
    this.ownership.onChange((s) => this.onOwnership(s));
    this.render();
    const auto = vscode.workspace.getConfiguration('clp').get<boolean>('autoStart', true);
    if (auto) await this.ownership.start();
    else this.render();
    void this.ownership.link.follow(
      (method, payload) => this.onEvent(method, payload),
      () => this.onResync(),
      this.feed.signal,
    );
    // The clients first (the design card's automatic setup), then the `clp` shim.
    const firstRun = new FirstRun(this.context.globalState, () => this.setupContext());
    c.subscriptions.push(vscode.extensions.onDidChange(() => void firstRun.run()));
    void firstRun.run().then(() => this.offerCli());
  }

  /** The owner's state for the status bar, trees and quick pick, re-read after changes. */
  private async reload(): Promise<void> {
    const s = this.ownership.state;
    if (s.kind !== 'owner' && s.kind !== 'attached') {
      this.dashboard = null;
      this.configs.update(null, {});
      this.usage.update(null);
      this.sessions.update([]);
      return this.render();
    }
    try {
      this.dashboard = await this.ownership.link.call(StatusGet, {});
      const pools: Partial<Record<ServiceName, PoolStatus>> = {};
      for (const service of SERVICES) pools[service] = await this.ownership.link.call(PoolGet, { service });
      this.configs.update(this.dashboard, pools);
      this.usage.update(this.dashboard);
      // An owner from an older CLP has no sessions: the view stays empty.
      this.sessions.update(await this.ownership.link.call(SessionsList, {}).catch(() => []));
    } catch (err) {
      this.output.appendLine(`could not read CLP's state: ${(err as Error).message}`);
    }
    this.render();
  }

  private scheduleReload(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.reload();
    }, 300);
  }

  private render(): void {
    const own = this.ownership.state;
    const view = renderStatusBar(
      this.dashboard ? ({ ...own, ...(own.kind === 'owner' || own.kind === 'attached' ? { status: this.dashboard.status } : {}) } as OwnershipState) : own,
      this.dashboard,
    );
    this.status.text = view.text;
    this.status.tooltip = new vscode.MarkdownString(view.tooltip);
    this.status.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
  }

  private onOwnership(s: OwnershipState): void {
    this.output.appendLine(
      `ownership: ${s.kind}${s.kind === 'attached' ? ` (owner pid ${s.status.owner?.pid}, ${s.status.owner?.kind})` : s.kind === 'blocked' || s.kind === 'error' ? `: ${s.message}` : ''}`,
    );
    void vscode.commands.executeCommand('setContext', 'clp.running', s.kind === 'owner' || s.kind === 'attached');
    if (s.kind === 'blocked' && s.message !== this.lastBlocked) {
      this.lastBlocked = s.message;
      void vscode.window.showErrorMessage(`CLP could not start: ${s.message}`, 'Change Port', 'Show Log', 'Retry').then((action) => {
        if (action === 'Change Port') void vscode.commands.executeCommand('workbench.action.openSettings', 'clp.ports');
        else if (action === 'Show Log') this.output.show();
        else if (action === 'Retry') void this.ownership.start();
      });
    }
    if (s.kind !== 'blocked') this.lastBlocked = '';
    this.render();
    this.scheduleReload();
  }

  private onEvent(method: string, payload: unknown): void {
    this.panel.notify(method, payload);
    if (method === DidEndRequest.method || method === DidChangeState.method) this.scheduleReload();
  }

  private onResync(): void {
    this.panel.resync();
    this.scheduleReload();
  }

  private async setupContext(): Promise<SetupContext> {
    const { ports, host, clientSecret } = this.ownership.settings;
    const h = hostForUrl(host);
    const paths = clpPaths(resolveHome(process.env));
    return {
      claudeUrl: clientUrl('claude', h, ports.claude),
      codexUrl: clientUrl('codex', h, ports.codex),
      geminiUrl: clientUrl('gemini', h, ports.gemini),
      clientSecret: clientSecret ? await ensureClientSecret(paths.clientSecret) : null,
      historyFile: paths.setupHistory,
      home: paths.home,
      dataDir: paths.dataDir,
      output: this.output,
      codexConfigs: this.dashboard?.configs.codex.map((c) => c.name) ?? [],
      ...claudeConfigFacts(this.dashboard?.configs.claude ?? []),
    };
  }

  private registerCommands(): void {
    const link = () => this.ownership.link;
    const guard =
      <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
      async (...args: A) => {
        try {
          await fn(...args);
        } catch (err) {
          void vscode.window.showErrorMessage(`CLP: ${(err as Error).message}`);
        }
      };
    const register = (id: string, fn: (...args: never[]) => Promise<unknown>) =>
      this.context.subscriptions.push(vscode.commands.registerCommand(id, guard(fn)));

    register('clp.activateConfig', () => this.pickConfig());
    register('clp.start', () => this.ownership.start());
    register('clp.stop', () => this.ownership.stop());
    register('clp.restart', () => this.ownership.restart());
    register('clp.openDashboard', async () => this.panel.show());
    register('clp.openDashboardInBrowser', async () => {
      // The key goes only to an owner that proved it holds it (a squatter would read the fragment).
      const token = await link().verifiedToken();
      await vscode.env.openExternal(vscode.Uri.parse(`${link().base}/#token=${token}`));
    });
    register('clp.addConfig', () => this.addConfig());
    register('clp.editConfigFiles', async () => {
      const paths = clpPaths(resolveHome(process.env));
      for (const service of SERVICES) await vscode.window.showTextDocument(vscode.Uri.file(paths.config(service)), { preview: false });
    });
    register('clp.showLog', async () => this.output.show());
    register('clp.setupClaudeCode', async () => setUpClaudeCode(await this.setupContext()));
    register('clp.setupCodex', async () => setUpCodex(await this.setupContext()));
    register('clp.setupGeminiCli', async () => setUpGeminiCli(await this.setupContext()));
    register('clp.undoSetup', async () => undoSetup(await this.setupContext()));
    register('clp.doctor', async () => runDoctor(await this.setupContext()));
    register('clp.installCli', () => this.installCli());
    register('clp.config.activate', async (node: ConfigNode) => {
      await link().call(ConfigActivate, { service: node.service, name: node.config.name });
      await this.reload();
    });
    register('clp.config.test', (node: ConfigNode) => this.testConfig(node));
    register('clp.config.edit', async () => vscode.commands.executeCommand('clp.editConfigFiles'));
    register('clp.config.disableToday', async (node: ConfigNode) => {
      await link().call(PoolAct, { service: node.service, action: { action: 'disable-today', name: node.config.name } });
      await this.reload();
    });
    register('clp.session.bind', (node: SessionNode) => this.bindSession(node));
  }

  /** "Switch just this session": keep it on one config, or let it follow the active one again. */
  private async bindSession(node: SessionNode): Promise<void> {
    const s = node.session;
    const names = this.dashboard?.configs[s.service].map((c) => c.name) ?? [];
    const follow = { label: '$(sync) Follow the active config', name: null as string | null, description: s.bound ? '' : 'now' };
    const picked = await vscode.window.showQuickPick(
      [follow, ...names.map((name) => ({ label: name, name: name as string | null, description: s.bound?.[0] === name ? 'now' : '' }))],
      { title: `Keep session ${s.id.slice(0, 8)} (${s.service}) on…`, placeHolder: 'Only this session moves; the conversation carries on' },
    );
    if (!picked) return;
    const after = await this.ownership.link.call(SessionsBind, { id: s.id, config: picked.name });
    void vscode.window.showInformationMessage(
      after.bound ? `Session ${s.id.slice(0, 8)} stays on ${after.bound.join(', ')}.` : `Session ${s.id.slice(0, 8)} follows the active config again.`,
    );
    await this.reload();
  }

  /** The status bar's quick switch: every config of both services, the active ones marked. */
  private async pickConfig(): Promise<void> {
    if (!this.dashboard) await this.reload();
    const d = this.dashboard;
    if (!d) throw new Error('CLP is not running (run "CLP: Start Proxy")');
    type Item = vscode.QuickPickItem & { service?: ServiceName; name?: string };
    const items: Item[] = [];
    for (const service of SERVICES) {
      items.push({ label: SERVICE_PROFILE[service].label, kind: vscode.QuickPickItemKind.Separator });
      for (const c of d.configs[service]) {
        items.push({
          label: `${c.active ? '$(check) ' : ''}${c.name}`,
          description: c.windows ? `${c.base_url} · ${c.windows}` : c.base_url,
          detail: c.active ? 'active' : undefined,
          service,
          name: c.name,
        });
      }
    }
    if (items.length === SERVICES.length) {
      const add = await vscode.window.showInformationMessage('No configs yet.', 'Add Config');
      if (add) await this.addConfig();
      return;
    }
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Switch the active config (applies to the next request)' });
    if (!pick?.service || !pick.name) return;
    await this.ownership.link.call(ConfigActivate, { service: pick.service, name: pick.name });
    await this.reload();
    vscode.window.setStatusBarMessage(`CLP: ${pick.service} → ${pick.name}`, 3000);
  }

  private async addConfig(): Promise<void> {
    const service = (await vscode.window.showQuickPick([...SERVICES], { placeHolder: 'For which client?' })) as ServiceName | undefined;
    if (!service) return;
    const name = await vscode.window.showInputBox({ prompt: 'Config name', validateInput: (v) => (v.trim() ? null : 'a name is needed') });
    if (!name) return;
    const base_url = await vscode.window.showInputBox({
      prompt: SERVICE_PROFILE[service].v1InBaseUrl ? 'Base URL (with /v1)' : 'Base URL (without /v1)',
      value: SERVICE_PROFILE[service].defaultBaseUrl,
      validateInput: (v) => (/^https?:\/\/\S+$/.test(v) ? null : 'an http:// or https:// URL'),
    });
    if (!base_url) return;
    // The key goes the way the official API takes it (Bearer for OpenAI, x-goog-api-key for Gemini…).
    const field = SERVICE_PROFILE[service].keyField;
    const how = field === 'auth_token' ? 'Authorization: Bearer …' : SERVICE_PROFILE[service].apiKeyHeader;
    const key = await vscode.window.showInputBox({ prompt: `Key (sent as ${how})`, password: true, ignoreFocusOut: true });
    if (key === undefined) return;
    await this.ownership.link.call(ConfigSave, { service, name: name.trim(), base_url: base_url.trim(), [field]: key || null });
    await this.reload();
    void vscode.window.showInformationMessage(`CLP: added ${service} config "${name.trim()}"`);
  }

  private async testConfig(node: ConfigNode): Promise<void> {
    const model = await vscode.window.showQuickPick([...SERVICE_PROFILE[node.service].testModels], {
      placeHolder: `Model to test ${node.config.name} with (one tiny request, nothing of yours in it)`,
    });
    if (!model) return;
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing ${node.config.name}…` }, () =>
      this.ownership.link.call(ConfigTest, { service: node.service, name: node.config.name, model }),
    );
    const text = `${node.config.name}: ${r.ok ? 'works' : 'failed'} (${r.status ?? 'no answer'}, ${r.ms} ms): ${r.message.slice(0, 200)}`;
    if (r.ok) void vscode.window.showInformationMessage(text);
    else void vscode.window.showErrorMessage(text);
  }

  /** Puts a `clp` launcher on the PATH that runs the bundled CLI with the editor's own runtime. */
  private async installCli(): Promise<void> {
    if (process.platform === 'win32') {
      void vscode.window.showInformationMessage(`Add this to your PATH, or run: node "${join(this.context.extensionPath, 'dist', 'cli.js')}"`);
      return;
    }
    const dir = join(homedir(), '.local', 'bin');
    const file = join(dir, 'clp');
    await mkdir(dir, { recursive: true });
    await writeFile(file, `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec "${process.execPath}" "${join(this.context.extensionPath, 'dist', 'cli.js')}" "$@"\n`);
    await chmod(file, 0o755);
    const onPath = (process.env.PATH ?? '').split(':').includes(dir);
    void vscode.window.showInformationMessage(`Installed ${file}.${onPath ? '' : ` Add ${dir} to your PATH to use it.`}`);
  }

  private async offerCli(): Promise<void> {
    if (this.context.globalState.get('clp.cliOffered')) return;
    await this.context.globalState.update('clp.cliOffered', true);
    const answer = await vscode.window.showInformationMessage('Use CLP from terminals too? This puts a `clp` command on your PATH.', 'Install clp', 'Not now');
    if (answer === 'Install clp') await vscode.commands.executeCommand('clp.installCli');
  }

  async dispose(): Promise<void> {
    this.feed.abort();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.panel.dispose();
    await this.ownership.dispose();
  }
}
