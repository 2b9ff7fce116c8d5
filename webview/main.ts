import { Client } from './client.ts';
import { HttpTransport, VsCodeTransport, inVsCode, type Transport } from './transport.ts';
import './chart.ts';
import './pages/overview.ts';
import './pages/configs.ts';
import './pages/requests.ts';
import './pages/sessions.ts';
import './pages/usage.ts';
import './pages/team-accounts.ts';
import './pages/filters.ts';
import './pages/routes.ts';
import './pages/pool.ts';
import { ClpApp } from './app.ts';

const TOKEN_KEY = 'clp-dashboard-token';

/**
 * In a browser the page needs the per-install token, which `clp ui` puts in the URL's fragment (never
 * sent to a server, never in a log). It is kept in this tab's session storage (gone when the tab
 * closes; a restarted CLP hands this tab its new token, see HttpTransport) and dropped from the URL.
 */
function browserToken(): string | null {
  const fromHash = /(?:^#|&)token=([0-9a-f]{64})/.exec(location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function start(): void {
  let transport: Transport;
  if (inVsCode()) transport = new VsCodeTransport();
  else {
    const token = browserToken();
    if (!token) {
      document.body.innerHTML = `<main class="locked"><h1>CLP dashboard</h1><p>This page needs its link with the dashboard key. Run <code>clp ui</code> in a terminal (or "CLP: Open Dashboard in Browser" in VS Code) and open the link it prints.</p></main>`;
      return;
    }
    transport = new HttpTransport(token, (next) => sessionStorage.setItem(TOKEN_KEY, next));
  }
  const app = document.querySelector('clp-app') ?? document.body.appendChild(document.createElement('clp-app'));
  // The element is upgraded only once it has its client: its connectedCallback starts the feed.
  (app as unknown as { client: Client }).client = new Client(transport);
  customElements.define('clp-app', ClpApp);
}

start();
