import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ClpError, type ErrorCode, type ErrorShape } from '../../shared/errors.ts';
import type { StatusReport } from '../../shared/status.ts';
import type { RequestStore } from '../store/request-store.ts';
import { requestsApi } from './api.ts';
import { poolActionSchema, type PoolAction } from '../../shared/pool.ts';
import type { ServiceName } from '../../shared/services.ts';
import { tokenMatches } from './token.ts';
import { dispatch, type Handlers } from './handlers.ts';
import type { LiveFeed } from './live.ts';
import { createAssetServer, isAsset, sendShell } from './page.ts';

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
  /** The dashboard's protocol (`POST /api/rpc/<method>`) and live feed (`GET /api/events`). */
  handlers: Handlers;
  live: LiveFeed;
  /** Where the webview bundle is (dist/webview). */
  assetsDir: string;
}

/**
 * Port 3300: the dashboard's page and API, and how the CLI and other VS Code windows talk to the
 * owner. Only loopback names are accepted as `Host`, which defeats DNS rebinding (a foreign page
 * whose name now resolves to 127.0.0.1 still sends its own name).
 */
export function createUiServer(deps: UiServerDeps): Server {
  const assets = createAssetServer(deps.assetsDir);
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    if (!hostAllowed(req.headers.host, deps.host, deps.port())) {
      return sendJson(res, 403, { code: 'origin_refused', message: 'unexpected Host header' } satisfies ErrorShape);
    }
    route(req, res, deps, assets);
  });
  return server;
}

/**
 * A browser sends `Origin` with every POST and with cross-origin reads; only this server's own
 * origins may call (no page on another site, not even one that guessed the token).
 */
export function originAllowed(origin: string | undefined, bindHost: string, port: number): boolean {
  if (origin === undefined) return true;
  try {
    return hostAllowed(new URL(origin).host, bindHost, port) && origin.startsWith('http://');
  } catch {
    return false;
  }
}

export function hostAllowed(hostHeader: string | undefined, bindHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', bindHost.includes(':') ? `[${bindHost}]` : bindHost]);
  for (const name of names) if (hostHeader.toLowerCase() === `${name}:${port}`) return true;
  return false;
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = { bad_request: 400, not_found: 404, config_not_found: 404, not_running: 503, origin_refused: 403, config_invalid: 409 };

function route(req: IncomingMessage, res: ServerResponse, deps: UiServerDeps, assets: ReturnType<typeof createAssetServer>): void {
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  if (!originAllowed(req.headers.origin, deps.host, deps.port())) {
    return sendJson(res, 403, { code: 'origin_refused', message: 'calls from another origin are refused' } satisfies ErrorShape);
  }
  if (req.method === 'GET' && path === '/api/status') return sendJson(res, 200, deps.status());
  if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') return sendShell(res);
  if (req.method === 'GET' && isAsset(path)) return void assets(path, res);
  const rpc = /^\/api\/rpc\/([a-z]+\/[A-Za-z]+)$/.exec(path);
  if (rpc && req.method === 'POST') return void callRpc(req, res, deps, rpc[1]!);
  if (req.method === 'GET' && path === '/api/events') {
    if (!tokenMatches(deps.token(), url.searchParams.get('token') ?? undefined)) {
      return sendJson(res, 401, { code: 'origin_refused', message: 'the live feed needs the dashboard token (run clp ui)' } satisfies ErrorShape);
    }
    return deps.live.attach(req, res);
  }
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
 * One dashboard request. Every method needs the token (reads too: the log holds prompts), so a
 * page can call only when it was opened with it (`clp ui`, or the editor's webview).
 */
async function callRpc(req: IncomingMessage, res: ServerResponse, deps: UiServerDeps, method: string): Promise<void> {
  try {
    if (!tokenMatches(deps.token(), req.headers['x-clp-token'])) {
      return sendJson(res, 401, { code: 'origin_refused', message: 'the dashboard needs its token (run clp ui for the link)' } satisfies ErrorShape);
    }
    const body = await readJson(req, 2 * 1024 * 1024);
    sendJson(res, 200, await dispatch(deps.handlers, method, body));
  } catch (err) {
    sendError(res, err);
  }
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new ClpError('bad_request', 'body too large');
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new ClpError('bad_request', 'body: not JSON');
  }
}

/**
 * A change: only with the per-install token, and never from a browser page of another origin (a
 * page can send a request, but cannot read the token file).
 */
async function changePool(req: IncomingMessage, res: ServerResponse, deps: UiServerDeps, service: ServiceName): Promise<void> {
  try {
    if (!tokenMatches(deps.token(), req.headers['x-clp-token'])) throw new ClpError('origin_refused', 'a change needs the x-clp-token header (see $CLP_HOME/run/token)');
    const body = await readJson(req, 64 * 1024);
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
