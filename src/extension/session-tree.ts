import * as vscode from 'vscode';
import { costText } from '../shared/format.ts';
import { NO_SESSION, type SessionSummary } from '../shared/sessions.ts';
import { cacheHitShare } from '../shared/usage.ts';

export type SessionNode = { kind: 'session'; session: SessionSummary };

/** How many sessions the view lists, the most recently active first. */
const SHOWN = 20;

/** What a session's row says: where it goes (bound or following), cost and cache hit. Pure. */
export function sessionDescription(s: SessionSummary): string {
  const hit = cacheHitShare(s);
  return [s.bound ? `${s.bound.join(', ')} (bound)` : (s.last_config ?? '–'), costText(s), hit === null ? null : `cache ${Math.round(hit * 100)}%`]
    .filter(Boolean)
    .join(' · ');
}

/** The "Sessions" view: each Claude Code and Codex conversation, which config serves it, and its cost. */
export class SessionTree implements vscode.TreeDataProvider<SessionNode> {
  private readonly changed = new vscode.EventEmitter<SessionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private sessions: SessionSummary[] = [];

  update(sessions: SessionSummary[]): void {
    this.sessions = sessions.filter((s) => s.id !== NO_SESSION).slice(0, SHOWN);
    this.changed.fire(undefined);
  }

  getChildren(node?: SessionNode): SessionNode[] {
    return node ? [] : this.sessions.map((session) => ({ kind: 'session', session }));
  }

  getTreeItem(node: SessionNode): vscode.TreeItem {
    const s = node.session;
    const project = s.project?.split(/[\\/]/).filter(Boolean).at(-1);
    const item = new vscode.TreeItem(`${project ?? s.id.slice(0, 8)}`, vscode.TreeItemCollapsibleState.None);
    item.id = `${s.service}/${s.id}`;
    item.description = sessionDescription(s);
    item.tooltip = new vscode.MarkdownString(
      [
        `**${s.service}** session \`${s.id}\``,
        s.client ? `client: ${s.client}` : null,
        s.project ? `project: \`${s.project}\`` : null,
        `configs: ${s.configs.join(' → ') || '–'} · models: ${s.models.join(', ') || '–'}`,
        `${s.requests} requests · last ${new Date(s.last_at).toLocaleString()}`,
        s.bound ? `bound to ${s.bound.join(', ')}: stays there whatever the active config is` : 'follows the active config',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(s.bound ? 'pinned' : 'comment-discussion');
    item.contextValue = 'clp.session';
    item.command = { command: 'clp.session.bind', title: 'Keep This Session on a Config…', arguments: [node] };
    return item;
  }
}
