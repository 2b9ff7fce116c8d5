import type { Server } from 'node:http';
import { ClpError } from '../shared/errors.ts';
import { noPorts, SERVICES, type PortName, type Ports, type ServiceName } from '../shared/services.ts';
import type { HealthReport, OwnerInfo, OwnerKind, StatusReport } from '../shared/status.ts';
import { VERSION } from '../shared/version.ts';
import { activateConfig } from './config/activate.ts';
import { ConfigStore } from './config/store.ts';
import { EventBus } from './events.ts';
import { ensurePrivateDir } from './fs/atomic.ts';
import { createMemoryLogger, type Logger } from './log.ts';
import { closeServer, isLoopbackHost, listen } from './net.ts';
import { clpPaths, resolveHome, type ClpPaths } from './paths.ts';
import { createProxyHandler, createProxyServer, type ProxyHandler } from './proxy/proxy-server.ts';
import { statusReport } from './status-report.ts';
import { BodyBudget } from './proxy/body-budget.ts';
import { UpstreamClient, type Upstream } from './proxy/upstream-client.ts';
import { loadSettings, portVariable, type Settings, type SettingsInput } from './settings.ts';
import { createWebServer } from './web/web-server.ts';
import { importOriginalOnce } from './store/import-original.ts';
import { RequestStore, type RequestStoreOptions } from './store/request-store.ts';
import { Pricing } from './usage/pricing.ts';
import { Pool } from './pool/pool.ts';
import { RouteSet } from './routing/route-set.ts';
import { newToken, readToken, writeToken } from './owner/token.ts';

/** Where a port is changed, said where it is in use. */
function portHint(which: PortName): string {
  return `to use another, set ${portVariable(which)} or "ports": {"${which}": N} in settings.json (in VS Code: clp.ports.${which})`;
}

/** How long a page that held the last owner's token may trade it for this owner's. */
const PREVIOUS_TOKEN_MS = 24 * 3_600_000;
import { ensureClientSecret } from './owner/client-secret.ts';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createHandlers } from './web/handlers.ts';
import { TodayTracker } from './usage/today.ts';
import { SessionTracker } from './usage/sessions.ts';
import { SessionBindings } from './pool/bindings.ts';
import { localDay } from './time.ts';
import { LiveFeed } from './web/live.ts';
import { DidChangeState } from '../shared/protocol.ts';
import { FilterSet } from './filters/filter-set.ts';
import { CodeFilters } from './filters/code-filters.ts';
import { redactResponse } from './filters/redact-log.ts';
import type { RequestRecord } from '../shared/records.ts';
import { activeLine, sessionLine } from './statusline/line.ts';
import { statuslineDir } from './statusline/script.ts';
import { StatuslineWriter } from './statusline/writer.ts';
import type { TeamLink } from './team/link.ts';
import { openTeam } from './team/team.ts';

export interface CoreOptions {
  /** Defaults to `CLP_HOME`, then `~/.clp`. */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Settings that win over the file and the environment (tests bind port 0 this way). */
  settings?: SettingsInput;
  ownerKind: OwnerKind;
  log?: Logger;
  now?: () => number;
  /** The built dashboard (dist/webview); found next to the bundle, or in dist/ when run from source. */
  assetsDir?: string;
  /** How upstreams are called: undici by default; a scripted fake in in-process tests. */
  upstream?: Upstream;
  /** Opens the request log: the segment-file store by default. */
  openRequestStore?: (options: RequestStoreOptions) => Promise<RequestStore>;
}

function defaultAssetsDir(): string {
  const beside = join(__dirname, 'webview');
  return existsSync(join(beside, 'app.js')) ? beside : join(__dirname, '..', '..', 'dist', 'webview');
}

export interface Core {
  readonly paths: ClpPaths;
  readonly settings: Settings;
  readonly events: EventBus;
  readonly stores: Readonly<Record<ServiceName, ConfigStore>>;
  readonly log: Logger;
  readonly pool: Pool;
  /** The request log; null before start, or when the log is switched off in settings. */
  requests(): RequestStore | null;
  /** Binds the UI port first (it is the owner's address), then the two proxy ports. */
  start(): Promise<void>;
  stop(graceMs?: number): Promise<void>;
  status(): StatusReport;
  /** The ports actually bound (differs from settings when a setting is 0). */
  ports(): Ports;
  /** A port's pipeline as a plain handler, for in-process requests (the listener calls the same one). */
  proxyHandler(service: ServiceName): ProxyHandler;
  /** Makes `name` the active config of `service`, written to its file; applies to the next request. */
  activate(service: ServiceName, name: string): Promise<void>;
  /** The link to the team database (team mode); null when `team.url` is not set or before start. */
  team(): TeamLink | null;
}

/**
 * The composition root: builds the whole proxy engine from settings. The `clp` daemon, `clp start
 * --foreground` and the VS Code extension all run exactly this.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const env = options.env ?? process.env;
  const paths = clpPaths(options.home ?? resolveHome(env));
  const settings = await loadSettings(paths.settings, env, options.settings);
  const now = options.now ?? Date.now;
  const log = options.log ?? createMemoryLogger();
  const events = new EventBus();
  const client = options.upstream ?? new UpstreamClient(settings.timeouts);
  const owner: OwnerInfo = { pid: process.pid, kind: options.ownerKind, startedAt: new Date(now()).toISOString(), version: VERSION };

  const stores = {} as Record<ServiceName, ConfigStore>;
  for (const service of SERVICES) {
    stores[service] = new ConfigStore(paths.config(service), {
      lastGoodFile: paths.lastGood(service),
      onChange: ({ state, snapshot }) => {
        if (state.error) log.warn(`${state.error} (still serving the last good version)`);
        else log.info(`${service}: loaded ${state.configs} config(s), active: ${snapshot.active?.name ?? 'none'}`);
        events.emit('config:change', { service, state, active: snapshot.active?.name ?? null });
      },
    });
  }

  const bound = noPorts();
  let running = false;

  const health = (service: ServiceName): HealthReport => {
    const snapshot = stores[service].snapshot();
    return {
      clp: true,
      service,
      port: bound[service],
      pid: process.pid,
      owner: options.ownerKind,
      active: snapshot.active?.name ?? null,
      placeholder: snapshot.active === null,
    };
  };

  const maxBodyBytes = Math.round(settings.maxBodyMb * 1024 * 1024);
  const captureBytes = settings.log.bodyKb * 1024;
  const pricing = new Pricing(paths.prices, log, now, (r) => (r.config ? (stores[r.service].snapshot().get(r.config)?.priceMultiplier ?? 1) : 1));
  const filters = new FilterSet(paths.filters, settings.filters.detectors, log);
  const codeFilters = new CodeFilters(paths.filterModules, { budgetMs: settings.filters.codeBudgetMs, failOpen: settings.filters.failOpen, log, now });
  let codeFiltersOn = false;
  const pool = new Pool(paths.lbConfig, log, now, Math.random, settings.maxRetryAfterSec * 1000);
  const routeSet = new RouteSet(paths.routes, join(paths.dataDir, 'model_router_config.json'), log);
  const routes = () => routeSet.routes();
  const bindings = new SessionBindings(join(paths.dataDir, 'session-bindings.json'), settings.log.retentionDays * 86_400_000, now);
  const price = (record: RequestRecord) => pricing.price(record);
  let requestStore: RequestStore | null = null;
  let secret: string | null = null;
  const bodyBudget = new BodyBudget(Math.round(settings.maxBodiesInMemoryMb * 1024 * 1024));
  const proxyHandlers = Object.fromEntries(
    SERVICES.map((service) => [
      service,
      createProxyHandler({
        service,
        store: stores[service],
        client,
        pool,
        routes,
        bindings: {
          get: (session) => bindings.get(service, session),
          pick: (session, config) => {
            bindings.set(service, session, [config]).catch((err) => log.warn(`could not store the binding of session ${session}: ${(err as Error).message}`));
          },
        },
        fit: {
          context: (session) => {
            const s = session ? sessions.get(service, session) : null;
            return s ? { used: s.context_tokens, config: s.last_config } : null;
          },
          refuse: () => settings.refuseContextOverflow,
        },
        events,
        log,
        maxBodyBytes,
        captureBytes,
        keepBodies: () => requestStore?.takeBodySlot() ?? false,
        now,
        price,
        filters: () => filters.rules(),
        codeFilters: () => (codeFiltersOn ? codeFilters : null),
        health: () => health(service),
        bindHost: settings.host,
        clientSecret: () => secret,
        clientHeadersMs: settings.timeouts.clientHeadersMs,
        bodyBudget,
      }),
    ]),
  ) as Record<ServiceName, ProxyHandler>;
  const proxies = Object.fromEntries(
    SERVICES.map((service) => [service, createProxyServer({ service, clientHeadersMs: settings.timeouts.clientHeadersMs }, proxyHandlers[service])]),
  ) as Record<ServiceName, Server>;

  let team: TeamLink | null = null;
  const status = (): StatusReport =>
    statusReport({ settings, home: paths.home, stores, owner: running ? owner : null, bound, team: team?.status() ?? null, filterModules: codeFilters.view() });

  // The log keeps only what the filters let through, responses included.
  events.on('request:end', (finished) => requestStore?.add(redactResponse(finished, filters.rules())));
  // Team mode: the record waits in the link's outbox; shipping happens off the request's path.
  events.on('request:end', (finished) => team?.add(finished.record));
  // Both trackers count what started from now on as their own; older requests come from the log.
  const startedAt = now();
  const today = new TodayTracker(localDay, startedAt);
  events.on('request:end', (finished) => today.add(finished.record, now()));
  pricing.onChange = () => {
    const store = requestStore;
    if (!store) return;
    void store.reprice(pricing.tableStamp()).then(
      () => {
        today.forget(now());
        sessions.forget(now());
        log.info('prices.json changed: costs in the request log and daily totals recomputed');
        void sessionsReady().then(() => statusline.changed());
        live.send(DidChangeState, { reason: 'prices changed' });
      },
      (err: Error) => log.warn(`could not recompute costs: ${err.message}`),
    );
  };
  const sessions = new SessionTracker(startedAt);
  events.on('request:end', (finished) => sessions.add(finished.record));
  // Seeded from the log once something asks for a session's totals (the list, a statusline).
  const sessionsReady = () => {
    const store = requestStore;
    return sessions.ready(store ? () => store.withRecords((records) => sessions.seed(records)) : null);
  };
  const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 5);
  const statusline = new StatuslineWriter({
    dir: statuslineDir(paths.dataDir),
    line: (id) =>
      sessionLine({ session: sessions.get('claude', id), bound: bindings.get('claude', id), active: stores.claude.snapshot().active?.name ?? null, clock }),
    activeLine: () => activeLine(stores.claude.snapshot().active?.name ?? null),
    project: (id, dir) => sessions.setProject('claude', id, dir),
    ready: sessionsReady,
    log,
    retentionMs: settings.log.retentionDays * 86_400_000,
    now,
  });
  let statuslineOn = false;
  events.on('request:end', (finished) => {
    if (finished.record.service === 'claude') statusline.changed(finished.record.session_id);
  });
  events.on('config:change', (c) => {
    if (c.service === 'claude') statusline.changed();
  });
  // Made before the port listens, so no call can ever be checked against an empty token; written to
  // run/token only once this process holds the port (another owner's token stays valid until then).
  const token = newToken();
  let previous: { token: string; until: number } | null = null;
  const live = new LiveFeed(events);
  const handlers = createHandlers({
    status,
    stores,
    pool,
    filters,
    codeFilters,
    settingsFile: paths.settings,
    routeSet,
    requests: () => requestStore,
    today,
    sessions,
    bindings,
    now,
    sessionsReady,
    team: () => team,
    changed: (reason) => {
      live.send(DidChangeState, { reason });
      statusline.changed();
    },
  });
  const ui = createWebServer({
    handlers,
    live,
    assetsDir: options.assetsDir ?? defaultAssetsDir(),
    host: settings.host,
    ping: () => ({ clp: true, version: VERSION, pid: process.pid }),
    port: () => bound.ui,
    token: () => token,
    previousToken: () => (previous && now() < previous.until ? previous.token : null),
  });
  const servers: Array<[Server, number]> = [];

  const stop = async (graceMs = 5_000) => {
    running = false;
    live.close();
    if (statuslineOn) await statusline.stop().catch((err: Error) => log.warn(`statusline: ${err.message}`));
    statuslineOn = false;
    await team?.stop().catch((err: Error) => log.warn(`team: ${err.message}`));
    team = null;
    pool.onAccountEvent = null;
    for (const store of Object.values(stores)) store.close();
    filters.close();
    codeFilters.close();
    codeFiltersOn = false;
    await pool.close();
    routeSet.close();
    await Promise.all(servers.map(([server]) => closeServer(server, graceMs)));
    servers.length = 0;
    await requestStore?.close().catch((err: Error) => log.error(`request store did not close cleanly: ${err.message}`));
    requestStore = null;
    await client.destroy().catch(() => undefined);
  };

  return {
    paths,
    settings,
    events,
    stores,
    log,
    pool,
    requests: () => requestStore,
    async start() {
      if (!settings.clientSecret && !isLoopbackHost(settings.host)) {
        throw new ClpError(
          'config_invalid',
          `settings.json: host "${settings.host}" would let other machines spend your keys; keep it on 127.0.0.1, or set "clientSecret": true so that clients must send CLP's secret`,
        );
      }
      await ensurePrivateDir(paths.home);
      if (settings.clientSecret) secret = await ensureClientSecret(paths.clientSecret);
      await ensurePrivateDir(paths.runDir);
      for (const service of SERVICES) {
        const store = stores[service];
        await store.ensureExists();
        await store.reload();
        // A broken file never keeps CLP from starting: the last version that loaded serves (or, with
        // none kept, placeholder mode answers), and the status says which and why.
        const state = store.state();
        if (state.error && store.servingLastGood()) log.warn(`${state.error}: serving the last good version (${state.configs} configs) until it is fixed`);
        else if (state.error) log.warn(`${state.error}: no good version of it was kept, so ${service} answers in placeholder mode until it is fixed`);
      }
      await filters.start();
      await codeFilters.start();
      codeFiltersOn = true;
      await ensurePrivateDir(paths.dataDir);
      await pool.start();
      await routeSet.start();
      await bindings.load();
      try {
        bound.ui = await listen(ui, settings.host, settings.ports.ui, 'dashboard', portHint('ui'));
        servers.push([ui, bound.ui]);
        // Holding the dashboard port makes this process the owner: only now may it open the database.
        // The last owner's token is kept for a day, so that a page that held it can ask for this one.
        const last = await readToken(paths.runDir);
        if (last && last !== token) previous = { token: last, until: now() + PREVIOUS_TOKEN_MS };
        await writeToken(paths.runDir, token);
        await pricing.refresh();
        if (settings.log.enabled) {
          await ensurePrivateDir(paths.dataDir);
          requestStore = await (options.openRequestStore ?? ((o) => RequestStore.open(o)))({
            dataDir: paths.dataDir,
            retentionDays: settings.log.retentionDays,
            maxBytes: settings.log.maxMb * 1024 * 1024,
            bodyBytes: captureBytes,
            bodiesPerSecond: settings.log.bodiesPerSecond,
            log,
            now,
          });
          await importOriginalOnce(requestStore, paths.dataDir, log, pricing);
          // Costs follow the table in force: records are priced when read, the daily totals summed
          // anew when the table differs from the one they were summed at (a new CLP, a new prices.json).
          // Off the start: the first start of a new CLP reads the whole log once (later calls on the
          // store queue behind it, so none sees half-summed totals).
          requestStore.usePrices((r) => pricing.price(r));
          requestStore.reprice(pricing.tableStamp()).then(
            (changed) => changed && log.info('prices changed: costs in the request log and daily totals recomputed'),
            (err: Error) => log.warn(`could not recompute costs: ${err.message}`),
          );
        }
        team = openTeam({ settings, dataDir: paths.dataDir, stores, pool, store: requestStore, log, now });
        await team?.start();
        await statusline.start();
        statuslineOn = true;
        for (const service of SERVICES) {
          bound[service] = await listen(proxies[service], settings.host, settings.ports[service], `${service} proxy`, portHint(service));
          servers.push([proxies[service], bound[service]]);
        }
      } catch (err) {
        await stop(0);
        throw err;
      }
      for (const store of Object.values(stores)) store.watch();
      running = true;
      log.info(`CLP ${VERSION} started (${options.ownerKind}, pid ${process.pid}): claude :${bound.claude}, codex :${bound.codex}, ui :${bound.ui}`);
    },
    stop,
    status,
    ports: () => ({ ...bound }),
    proxyHandler: (service) => proxyHandlers[service],
    activate: (service, name) => activateConfig(stores[service], name),
    team: () => team,
  };
}
