import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { ServiceName } from '../../shared/services.ts';
import type { RequestRecord } from '../../shared/records.ts';
import type { HealthReport } from '../../shared/status.ts';
import type { ConfigStore } from '../config/store.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../log.ts';
import type { DialectWriter } from '../providers/dialect-writer.ts';
import { providerOf } from '../providers/registry.ts';
import type { BodyBudget } from './body-budget.ts';
import { Cancel } from './cancel.ts';
import { compose, type RequestContext } from './context.ts';
import { finishedRecord } from './record.ts';
import { sendError } from './respond.ts';
import { clientGuard, clientSecret, pathGuard } from './stages/client-guard.ts';
import { forward } from './stages/forward.ts';
import { localRoutes } from './stages/local-routes.ts';
import { readBody } from './stages/read-body.ts';
import type { Upstream } from './upstream-client.ts';
import type { Pool } from '../pool/pool.ts';
import type { Routes } from '../../shared/rules.ts';
import { type ContextFit, planStage, type SessionBindingsView } from './stages/plan.ts';
import { modelList } from './stages/model-list.ts';
import { filterStage } from './stages/filter.ts';
import { filterCodeStage } from './stages/filter-code.ts';
import type { CodeFilters } from '../filters/code-filters.ts';
import type { FilterRule } from '../filters/apply.ts';

export interface ProxyServerDeps {
  service: ServiceName;
  store: ConfigStore;
  client: Upstream;
  pool: Pool;
  routes: () => Routes;
  /** The configs a session is bound to, when it is, and the binding a model picked in the client makes. */
  bindings?: SessionBindingsView;
  /** What a session already uses, for moves to smaller windows. */
  fit?: ContextFit;
  events: EventBus;
  log: Logger;
  maxBodyBytes: number;
  /** How much of each response body the tap keeps for the request log, when it keeps the request's bodies. */
  captureBytes: number;
  /**
   * Whether the log will keep the bodies of a request starting now (its rate, its queue): asked once
   * per request, at its start, so a response the log will not keep is never captured.
   */
  keepBodies?: () => boolean;
  health: () => HealthReport;
  /** Adds the cost to a finished request's record. */
  price: (record: RequestRecord) => RequestRecord;
  now: () => number;
  /** Request bodies in memory, shared by both ports. */
  bodyBudget: BodyBudget;
  /** How long a client may take to send its request headers (slow clients hold sockets). */
  clientHeadersMs: number;
  /** The address the port is bound to. */
  bindHost: string;
  /** The secret clients must send when the `clientSecret` setting is on; null when it is off. */
  clientSecret: () => string | null;
  /** The filter rules in force (file rules, then detectors). */
  filters: () => readonly FilterRule[];
  /** Filter modules (`filters/*.mjs`), run after the rules; null before the owner starts them. */
  codeFilters?: () => CodeFilters | null;
}

/**
 * One proxy listener (Claude on 3210, Codex on 3211). Each request runs the stage pipeline:
 * browser and Host guard, path guard, local answers, client secret, body, filters, plan (pool and
 * routing together), forward (with failover).
 */
export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The pipeline of one port as a plain request handler: the listener calls it, and so can a test
 * with an in-memory request and response (no socket), to drive the decisions in-process.
 */
export function createProxyHandler(deps: ProxyServerDeps): ProxyHandler {
  const provider = providerOf(deps.service);
  const pipeline = compose([
    clientGuard({ bindHost: deps.bindHost, secret: deps.clientSecret }),
    pathGuard,
    localRoutes(deps.health, provider),
    clientSecret(deps.clientSecret),
    modelList(() => deps.store.snapshot()),
    readBody(deps.maxBodyBytes, deps.bodyBudget),
    filterStage(deps.filters),
    filterCodeStage(deps.codeFilters ?? (() => null), (session) => deps.bindings?.get(session)?.[0] ?? deps.store.snapshot().active?.name ?? null),
    planStage(deps.store, deps.pool, deps.routes, deps.bindings, deps.fit),
    forward({ client: deps.client, events: deps.events, pool: deps.pool, captureBytes: deps.captureBytes, now: deps.now }),
  ]);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ctx: RequestContext = {
      id: randomUUID(),
      service: deps.service,
      provider,
      req,
      res,
      startedAt: deps.now(),
      t0: performance.now(),
      cancel: new Cancel(),
      path: q < 0 ? url : url.slice(0, q),
      url: provider.upstreamUrl(url),
      modelRequested: null,
      body: null,
      facts: null,
      stream: false,
      config: null,
      candidates: [],
      modelRewrittenFrom: null,
      modelSent: null,
      sessionId: null,
      trace: [],
      tap: null,
      responseHeaders: null,
      local: false,
      status: null,
      errorCode: null,
      ttfbMs: null,
      bytesIn: 0,
      bytesOut: 0,
      heldBytes: 0,
      keepBodies: deps.keepBodies?.() ?? true,
    };
    // A client that goes away cancels its upstream call at once (stopping generation and billing).
    // `res` close, not `req` close: the latter fires as soon as the body has been read. (`on`, not
    // `once`: it fires once anyway, and `once` wraps each listener in a closure of its own.)
    res.on('close', () => {
      if (!res.writableEnded) ctx.cancel.cancel(new Error('the client went away'));
    });
    try {
      await pipeline(ctx);
    } catch (err) {
      deps.log.error(`${deps.service}: request ${ctx.id} failed inside CLP: ${(err as Error).stack ?? err}`);
      sendError(ctx, 500, 'internal', 'internal proxy error (see the CLP log)');
    } finally {
      deps.bodyBudget.release(ctx.heldBytes);
      ctx.heldBytes = 0;
    }
    if (!ctx.local) {
      // The response has ended: finishing the tap (and any decompression) costs the client nothing.
      const tap = ctx.tap ? (ctx.tap.finishNow() ?? (await ctx.tap.finish().catch(() => null))) : null;
      const finished = finishedRecord(ctx, tap);
      finished.record = deps.price(finished.record);
      deps.events.emit('request:end', finished);
    }
  };

  return handle;
}

/** The listener of one port, around its handler. */
export function createProxyServer(deps: Pick<ProxyServerDeps, 'service' | 'clientHeadersMs'>, handle: ProxyHandler): Server {
  const provider = providerOf(deps.service);
  const server = createServer(
    {
      // Above the idle time of the clients' connection pools, so a reused socket is never closed
      // under a request that is just being sent.
      keepAliveTimeout: 120_000,
      headersTimeout: deps.clientHeadersMs,
      requestTimeout: Math.max(300_000, deps.clientHeadersMs),
      // How often node looks for sockets past the header timeout (its default is 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(deps.clientHeadersMs / 4))),
    },
    (req, res) => void handle(req, res),
  );
  server.on('upgrade', refuseUpgrade);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, provider.errors));
  return server;
}

/**
 * A request node could not read: its headers came too slowly (408) or its framing is broken (400).
 * The answer is short, in the client's dialect, and the socket is then destroyed, not half-closed: a
 * slow or broken client must not hold a file descriptor for minutes.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, dialect: DialectWriter): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const status = timeout ? 408 : 400;
  const body = timeout
    ? dialect.errorBody(408, 'request_timeout', 'the request headers did not arrive in time')
    : dialect.errorBody(400, 'bad_request', 'the request could not be read as HTTP/1.1');
  const head = `HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.end(head + body);
  // Destroyed once the answer is written (or at once if the peer does not take it).
  (socket as Duplex & { destroySoon?: () => void }).destroySoon?.();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Codex tries Responses over WebSocket first when its provider allows it; a 426 makes it fall back
 * to HTTP at once (any other answer costs it a round of retries). CLP relays HTTP only.
 */
function refuseUpgrade(_req: IncomingMessage, socket: Duplex): void {
  const body = JSON.stringify({
    error: { message: 'CLP: WebSocket is not supported here; use HTTP', type: 'invalid_request_error', param: null, code: 'websocket_unsupported' },
  });
  socket.end(
    `HTTP/1.1 426 Upgrade Required\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
