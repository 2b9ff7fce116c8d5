import * as vscode from 'vscode';
import type { ConfigView, DashboardState } from '../shared/dashboard.ts';
import type { PoolStatus } from '../shared/pool.ts';
import { SERVICES, type ServiceName } from '../shared/services.ts';
import { SERVICE_PROFILE } from '../shared/service-profile.ts';
import { costText } from '../shared/format.ts';

export type ConfigNode = { kind: 'config'; service: ServiceName; config: ConfigView };
type Node = { kind: 'service'; service: ServiceName } | ConfigNode;

/** The "Configs" view: per service, its configs with the active one marked, health and weight. */
export class ConfigTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: DashboardState | null = null;
  private pools: Partial<Record<ServiceName, PoolStatus>> = {};

  update(state: DashboardState | null, pools: Partial<Record<ServiceName, PoolStatus>>): void {
    this.state = state;
    this.pools = pools;
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!this.state) return [];
    if (!node) return SERVICES.map((service) => ({ kind: 'service', service }));
    if (node.kind === 'service') return this.state.configs[node.service].map((config) => ({ kind: 'config', service: node.service, config }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'service') {
      const item = new vscode.TreeItem(SERVICE_PROFILE[node.service].label, vscode.TreeItemCollapsibleState.Expanded);
      const svc = this.state!.status.services[node.service];
      item.description = svc.config.error ? 'config file broken' : `:${svc.port}`;
      item.tooltip = svc.config.error ?? svc.url;
      item.iconPath = new vscode.ThemeIcon(svc.config.error ? 'warning' : 'server');
      item.contextValue = 'clp.service';
      return item;
    }
    const c = node.config;
    const member = this.pools[node.service]?.members.find((m) => m.name === c.name);
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.service}/${c.name}`;
    const health = member && !member.available ? (member.why ?? 'unavailable') : null;
    item.description = [c.active ? 'active' : null, c.weight ? `weight ${c.weight}` : null, health].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      `**${c.name}** (${node.service})\n\n${c.base_url}\n\nkey: \`${c.auth_token ?? c.api_key ?? 'none'}\`${member?.lastError ? `\n\nlast error: ${member.lastError}` : ''}`,
    );
    item.iconPath = new vscode.ThemeIcon(
      health ? 'warning' : c.active ? 'pass-filled' : 'circle-outline',
      health ? new vscode.ThemeColor('list.warningForeground') : c.active ? new vscode.ThemeColor('testing.iconPassed') : undefined,
    );
    item.contextValue = c.active ? 'clp.config.active' : 'clp.config';
    item.command = { command: 'clp.config.activate', title: 'Activate', arguments: [node] };
    return item;
  }
}

/** The small "Usage today" view. */
export class UsageTree implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: DashboardState | null = null;

  update(state: DashboardState | null): void {
    this.state = state;
    this.changed.fire(undefined);
  }

  getChildren(): vscode.TreeItem[] {
    if (!this.state) return [];
    return SERVICES.map((s) => {
      const t = this.state!.today[s];
      const item = new vscode.TreeItem(s, vscode.TreeItemCollapsibleState.None);
      item.description = `${t.requests} req · ${t.totals.total.toLocaleString()} tokens · ${costText(t.totals)}${t.errors ? ` · ${t.errors} errors` : ''}`;
      item.iconPath = new vscode.ThemeIcon('graph');
      return item;
    });
  }

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }
}
