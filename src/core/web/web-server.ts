import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ClpError, toErrorShape, type ErrorCode, type ErrorShape } from '../../shared/errors.ts';
import type { OwnerPing } from '../../shared/status.ts';
import { hostAllowed } from '../net.ts';
import { ownerProof, rekeyAnswer, rekeyAsk, tokenMatches } from '../owner/token.ts';
import { dispatch, type Handlers } from './handlers.ts';
import type { LiveFeed } from './live.ts';
import { createAssetServer, isAsset } from './page.ts';

export interface WebServerDeps {
  host: string;
  /** The one unauthenticated answer: CLP, version, pid. */
  ping: () => OwnerPing;
  /** The port actually bound, once known (the Host check needs it). */
  port: () => number;
  /** The owner's secret; made before the port listens, so it is never empty while anyone can call. */
  token: () => string;
  /** The last owner's token, while a page that held it may still come back for the new one (null: none). */
  previousToken?: () => string | null;
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
export function createWebServer(deps: WebServerDeps): Server {
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

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  config_not_found: 404,
  not_running: 503,
  log_disabled: 409,
  origin_refused: 403,
  config_invalid: 409,
};

const NEEDS_TOKEN: ErrorShape = {
  code: 'unauthorized',
  message: "this needs CLP's current token, which changes each time CLP starts: run `clp ui` for a new link",
};

/**
 * Every route but the page shell, its static assets, the liveness answer and the challenge needs the
 * token: reads too, since the log holds prompts.
 */
function route(req: IncomingMessage, res: ServerResponse, deps: WebServerDeps, assets: ReturnType<typeof createAssetServer>): void {
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  if (!originAllowed(req.headers.origin, deps.host, deps.port())) {
    return sendJson(res, 403, { code: 'origin_refused', message: 'calls from another origin are refused' } satisfies ErrorShape);
  }
  if (req.method === 'GET' && path === '/api/status') return sendJson(res, 200, deps.ping());
  if (req.method === 'POST' && path === '/api/auth') return void answerChallenge(req, res, deps);
  if (req.method === 'POST' && path === '/api/rekey') return void answerRekey(req, res, deps);
  if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') return void assets.shell(res);
  if (req.method === 'GET' && isAsset(path)) return void assets.asset(path, url.searchParams.get('v'), req.headers['if-none-match'], res);
  if (path.startsWith('/api/')) {
    const given = req.headers['x-clp-token'] ?? url.searchParams.get('token') ?? undefined;
    if (!tokenMatches(deps.token(), given)) {
      req.resume();
      return sendJson(res, 401, NEEDS_TOKEN);
    }
    const rpc = /^\/api\/rpc\/([a-z]+\/[A-Za-z]+)$/.exec(path);
    if (rpc && req.method === 'POST') return void callRpc(req, res, deps, rpc[1]!);
    if (req.method === 'GET' && path === '/api/events') return deps.live.attach(req, res);
  }
  req.resume();
  sendJson(res, 404, { code: 'not_found', message: `no route ${req.method} ${path}` } satisfies ErrorShape);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = toErrorShape(err);
  sendJson(res, STATUS_OF[e.code] ?? 500, e);
}

/** One dashboard request (the token was checked by the router). */
async function callRpc(req: IncomingMessage, res: ServerResponse, deps: WebServerDeps, method: string): Promise<void> {
  try {
    const body = await readJson(req, 2 * 1024 * 1024);
    sendJson(res, 200, await dispatch(deps.handlers, method, body));
  } catch (err) {
    sendError(res, err);
  }
}

/** The owner proves it holds the token: an HMAC of the caller's nonce (the token itself never leaves). */
async function answerChallenge(req: IncomingMessage, res: ServerResponse, deps: WebServerDeps): Promise<void> {
  try {
    const body = (await readJson(req, 4096)) as { nonce?: unknown };
    const nonce = body?.nonce;
    if (typeof nonce !== 'string' || !/^[0-9a-f]{32,128}$/.test(nonce)) throw new ClpError('bad_request', 'nonce: expected 32 to 128 hex digits');
    sendJson(res, 200, { proof: ownerProof(deps.token(), nonce) });
  } catch (err) {
    sendError(res, err);
  }
}

/** Nonces a rekey was answered for: each may be used once. */
const usedRekeyNonces = new Set<string>();

/** A page that knew the last owner's token gets this owner's (see `rekeyAsk` in owner/token.ts). */
async function answerRekey(req: IncomingMessage, res: ServerResponse, deps: WebServerDeps): Promise<void> {
  try {
    const body = (await readJson(req, 4096)) as { nonce?: unknown; proof?: unknown };
    const nonce = body?.nonce;
    if (typeof nonce !== 'string' || !/^[0-9a-f]{32,128}$/.test(nonce)) throw new ClpError('bad_request', 'nonce: expected 32 to 128 hex digits');
    const previous = deps.previousToken?.() ?? null;
    if (!previous || usedRekeyNonces.has(nonce) || !tokenMatches(rekeyAsk(previous, nonce), typeof body.proof === 'string' ? body.proof : undefined)) {
      return sendJson(res, 401, NEEDS_TOKEN);
    }
    usedRekeyNonces.add(nonce);
    if (usedRekeyNonces.size > 10_000) usedRekeyNonces.clear();
    const next = deps.token();
    sendJson(res, 200, { token: next, proof: rekeyAnswer(previous, nonce, next) });
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
