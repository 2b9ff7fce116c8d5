import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ClpError, type ErrorCode, type ErrorShape } from '../../shared/errors.ts';
import type { StatusReport } from '../../shared/status.ts';
import type { RequestStore } from '../store/request-store.ts';
import { requestsApi } from './api.ts';
import { poolActionSchema, type PoolAction } from '../pool/actions.ts';
import type { ServiceName } from '../../shared/services.ts';
import { tokenMatches } from './token.ts';

export interface UiServerDeps {
  host: string;
  status: () => StatusReport;
  /** The port actually bound, once known (the Host check needs it). */
  port: () => number;
  requests: () => RequestStore | null;
  now?: () => number;
  /** The per-install secret that changing calls must carry. */
  token: () => string;
  /** GET /api/pool/<service> */
  poolStatus: (service: ServiceName) => unknown;
  /** POST /api/pool/<service> with a pool action. */
  poolAction: (service: ServiceName, action: PoolAction) => Promise<void>;
}

/**
 * Port 3300: the dashboard's page and API, and how the CLI and other VS Code windows talk to the
 * owner. Only loopback names are accepted as `Host`, which defeats DNS rebinding (a foreign page
 * whose name now resolves to 127.0.0.1 still sends its own name).
 */
export function createUiServer(deps: UiServerDeps): Server {
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    if (!hostAllowed(req.headers.host, deps.host, deps.port())) {
      return sendJson(res, 403, { code: 'origin_refused', message: 'unexpected Host header' } satisfies ErrorShape);
    }
    route(req, res, deps);
  });
  return server;
}

export function hostAllowed(hostHeader: string | undefined, bindHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bindHost.includes(':') ? `[${bindHost}]` : bindHost]);
  for (const name of names) if (hostHeader.toLowerCase() === `${name}:${port}`) return true;
  return false;
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = { bad_request: 400, not_found: 404, config_not_found: 404, not_running: 503, origin_refused: 403, config_invalid: 409 };

function route(req: IncomingMessage, res: ServerResponse, deps: UiServerDeps): void {
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/api/status') return sendJson(res, 200, deps.status());
  if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') return sendPage(res, deps.status());
  const pool = /^\/api\/pool\/(claude|codex)$/.exec(path);
  if (pool && req.method === 'GET') return sendJson(res, 200, deps.poolStatus(pool[1] as ServiceName));
  if (pool && req.method === 'POST') return void changePool(req, res, deps, pool[1] as ServiceName);
  if (req.method === 'GET' && (path === '/api/usage' || path.startsWith('/api/logs'))) {
    requestsApi(path, url.searchParams, deps.requests(), (deps.now ?? Date.now)()).then(
      (value) => sendJson(res, 200, value),
      (err: unknown) => sendError(res, err),
    );
    return;
  }
  sendJson(res, 404, { code: 'not_found', message: `no route ${req.method} ${path}` } satisfies ErrorShape);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ClpError ? err : new ClpError('internal', (err as Error).message);
  sendJson(res, STATUS_OF[e.code] ?? 500, e.toJSON());
}

/**
 * A change: only with the per-install token, and never from a browser page of another origin (a
 * page can send a request, but cannot read the token file).
 */
async function changePool(req: IncomingMessage, res: ServerResponse, deps: UiServerDeps, service: ServiceName): Promise<void> {
  try {
    if (!tokenMatches(deps.token(), req.headers['x-clp-token'])) throw new ClpError('origin_refused', 'a change needs the x-clp-token header (see $CLP_HOME/run/token)');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 64 * 1024) throw new ClpError('bad_request', 'body too large');
      chunks.push(c as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      throw new ClpError('bad_request', 'body: not JSON');
    }
    const action = poolActionSchema.safeParse(body);
    if (!action.success) {
      const issue = action.error.issues[0]!;
      throw new ClpError('bad_request', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    await deps.poolAction(service, action.data);
    sendJson(res, 200, deps.poolStatus(service));
  } catch (err) {
    sendError(res, err);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A plain status page until the dashboard lands; no script at all, so the CSP can forbid it. */
function sendPage(res: ServerResponse, status: StatusReport): void {
  const rows = Object.entries(status.services)
    .map(([name, s]) => `<li>${name}: ${s.url} (active: ${escapeHtml(s.active ?? 'none')})</li>`)
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>CLP</title></head><body><h1>CLP is running</h1><ul>${rows}</ul><p>Status as JSON: <a href="/api/status">/api/status</a></p></body></html>`;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
