import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ErrorShape } from '../shared/errors.ts';
import { toErrorShape } from '../shared/errors.ts';
import type { HostMessage, PageMessage } from '../shared/protocol.ts';
import type { OwnerClient } from '../core/owner/owner-client.ts';

/**
 * The dashboard in a webview: the same Lit bundle as on :3300. Its requests go to the owner through
 * the owner link (whichever process owns), its live events come from the extension's one feed.
 */
export class DashboardPanel {
  private panel: vscode.WebviewPanel | null = null;

  constructor(
    private readonly assets: vscode.Uri,
    private readonly link: () => OwnerClient,
  ) {}

  show(): void {
    if (this.panel) return this.panel.reveal();
    const panel = vscode.window.createWebviewPanel('clp.dashboard', 'CLP Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [this.assets],
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.assets, '..', '..', 'media', 'clp.svg');
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((m: PageMessage) => void this.onMessage(panel, m));
    panel.onDidDispose(() => (this.panel = null));
  }

  /** A live event from the owner, passed on as it came. */
  notify(method: string, payload: unknown): void {
    this.post({ kind: 'notify', method, payload });
  }

  resync(): void {
    this.post({ kind: 'resync' });
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private async onMessage(panel: vscode.WebviewPanel, m: PageMessage): Promise<void> {
    if (m.kind !== 'request') return;
    try {
      const result = await this.link().callMethod(m.method, m.params);
      void panel.webview.postMessage({ kind: 'response', id: m.id, ok: true, result } satisfies HostMessage);
    } catch (err) {
      const error: ErrorShape = toErrorShape(err);
      void panel.webview.postMessage({ kind: 'response', id: m.id, ok: false, error } satisfies HostMessage);
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.assets, file)).toString();
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
    ].join('; ');
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>CLP Dashboard</title>
<link rel="stylesheet" href="${uri('codicon.css')}"><link rel="stylesheet" href="${uri('app.css')}"></head>
<body><clp-app></clp-app><script type="module" nonce="${nonce}" src="${uri('app.js')}"></script></body></html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = null;
  }
}
