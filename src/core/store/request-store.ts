import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ClpError } from '../../shared/errors.ts';
import type { RequestDetail, RequestRecord, UsageReport } from '../../shared/records.ts';
import type { RequestFinished } from '../events.ts';
import type { Logger } from '../log.ts';
import type { DailyImport, FromWorker, LogsQuery, RowInput, StoreOptions, ToWorker, UsageQuery } from './protocol.ts';

export interface RequestStoreOptions {
  dataDir: string;
  retentionDays: number;
  maxBytes: number;
  /** Per-body cap (request, upstream and response bodies each). */
  bodyBytes: number;
  log: Logger;
  now?: () => number;
  /** How often batched records go to the store thread. */
  flushMs?: number;
}

/** The local calendar day of an instant, `YYYY-MM-DD`: the unit of the daily totals. */
let dayCache = { from: 0, to: -1, day: '' };

export function localDay(ms: number): string {
  // Every request asks; the answer changes once a day, so the current minute's answer is reused.
  if (ms >= dayCache.from && ms < dayCache.to) return dayCache.day;
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const minute = Math.floor(ms / 60_000) * 60_000;
  const sameMinute = new Date(minute).getDate() === new Date(minute + 59_999).getDate();
  dayCache = sameMinute ? { from: minute, to: minute + 60_000, day } : { from: 0, to: -1, day };
  return day;
}

/** Copies at most `cap` bytes into a buffer of its own (so posting it to the worker moves only those). */
function capped(body: Buffer | null, cap: number): { bytes: Uint8Array | null; truncated: boolean } {
  if (!body || body.length === 0 || cap === 0) return { bytes: null, truncated: !!body && body.length > 0 && cap === 0 };
  const n = Math.min(body.length, cap);
  const bytes = new Uint8Array(n);
  bytes.set(body.subarray(0, n));
  return { bytes, truncated: body.length > cap };
}

const MAX_PENDING = 10_000;

/**
 * Bundled, the worker is dist/store-worker.js beside dist/cli.js or dist/extension.js. Run from source
 * (the tests), it is worker.ts, loaded through tsx's require hook: Node 20 does not pass `--import`
 * loaders on to worker threads.
 */
function startWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(join(__dirname, 'store-worker.js'));
  const source = join(__dirname, 'worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}

/**
 * The request log as the owner process sees it. Records are priced, their bodies capped, and queued;
 * a timer posts the queue to the store thread in one message. Nothing here waits on the database, so
 * a request never does either.
 */
export class RequestStore {
  private readonly worker: Worker;
  private pending: RowInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private maintainTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly now: () => number;
  private closed = false;
  dropped = 0;

  private constructor(private readonly options: RequestStoreOptions) {
    this.now = options.now ?? Date.now;
    this.worker = startWorker();
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => {
      options.log.error(`request store thread failed: ${err.stack ?? err}`);
      for (const w of this.waiting.values()) w.reject(new ClpError('internal', 'the request store stopped'));
      this.waiting.clear();
    });
  }

  static async open(options: RequestStoreOptions): Promise<RequestStore> {
    const store = new RequestStore(options);
    const storeOptions: StoreOptions = {
      file: join(options.dataDir, 'clp.sqlite'),
      journal: join(options.dataDir, 'clp.journal'),
      logDir: join(options.dataDir, 'log'),
      // About eight segments in the budget: retention drops an eighth at a time.
      segmentBytes: Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 8))),
      retentionDays: options.retentionDays,
      maxBytes: options.maxBytes,
    };
    const ready = new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') {
          store.worker.off('message', onMessage);
          resolve(m);
        } else if (m.type === 'error') reject(new ClpError('internal', `request store: ${m.message}`));
      };
      store.worker.on('message', onMessage);
      store.worker.once('error', reject);
    });
    store.post({ type: 'open', options: storeOptions, now: store.now() });
    const info = await ready;
    for (const w of info.warnings) options.log.warn(`request store: ${w}`);
    if (info.recovered) options.log.info(`request store: recovered ${info.recovered} request(s) from the journal`);
    store.maintainTimer = setInterval(() => store.post({ type: 'maintain', now: store.now() }), 60_000);
    store.maintainTimer.unref();
    store.post({ type: 'maintain', now: store.now() });
    return store;
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'log') return this.options.log[m.level](`request store: ${m.message}`);
    if (m.type === 'ready') return;
    const key = m.type === 'result' ? m.id : m.type === 'ack' ? m.ack : (m.id ?? m.ack);
    if (m.type === 'error' && key === undefined) {
      this.options.log.error(`request store: ${m.message}`);
      return;
    }
    const w = this.waiting.get(key!);
    if (!w) {
      if (m.type === 'error') this.options.log.error(`request store: ${m.message}`);
      return;
    }
    this.waiting.delete(key!);
    if (m.type === 'error') w.reject(new ClpError('internal', `request store: ${m.message.split('\n')[0]}`));
    else w.resolve(m.type === 'result' ? m.value : undefined);
  }

  private call<T>(build: (id: number) => ToWorker, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new ClpError('not_running', 'the request store is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post(build(id), transfer);
    });
  }

  /** Queues a finished (and priced) request. It only copies capped bodies and returns. */
  add(finished: RequestFinished): void {
    const record = finished.record;
    if (this.closed) return;
    const cap = this.options.bodyBytes;
    let detail: RowInput['detail'] = null;
    if (this.pending.length < MAX_PENDING / 2) {
      const d = finished.detail;
      const req = capped(d.requestBody, cap);
      const up = capped(d.upstreamBody, cap);
      const res = capped(d.responseBody, cap);
      detail = {
        request_headers: d.requestHeaders,
        response_headers: d.responseHeaders,
        request_body: req.bytes,
        request_truncated: req.truncated,
        upstream_body: up.bytes,
        response_body: res.bytes,
        response_truncated: res.truncated || d.responseTruncated,
      };
    }
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++; // the store thread is far behind: keep the proxy's memory bounded
      return;
    }
    this.pending.push({ record, day: localDay(record.started_at), detail });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.options.flushMs ?? 250);
      this.timer.unref();
    }
  }

  /** Sends what is queued and resolves once it is in the journal, on disk. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    if (!rows.length || this.closed) return;
    const transfer: ArrayBuffer[] = [];
    for (const r of rows) {
      for (const b of [r.detail?.request_body, r.detail?.upstream_body, r.detail?.response_body]) if (b) transfer.push(b.buffer as ArrayBuffer);
    }
    await this.call((ack) => ({ type: 'insert', rows, ack }), transfer);
  }

  usage(query: UsageQuery): Promise<UsageReport> {
    return this.call((id) => ({ type: 'usage', id, query }));
  }

  logs(query: LogsQuery): Promise<RequestRecord[]> {
    return this.call((id) => ({ type: 'logs', id, query }));
  }

  log(requestId: string): Promise<RequestDetail | null> {
    return this.call((id) => ({ type: 'log', id, requestId }));
  }

  meta(key: string): Promise<string | null> {
    return this.call((id) => ({ type: 'meta', id, key }));
  }

  /** Runs retention now (tests pass their own clock). */
  maintain(now = this.now()): Promise<void> {
    return this.call((ack) => ({ type: 'maintain', now, ack }));
  }

  snapshot(): Promise<void> {
    return this.call((ack) => ({ type: 'snapshot', ack }));
  }

  /** Imports rows and daily totals once: a later call with the same marker does nothing. */
  importOnce(marker: string, rows: RowInput[], daily: DailyImport[]): Promise<void> {
    return this.call((ack) => ({ type: 'import', rows, daily, marker, ack }));
  }

  /** Flushes, snapshots and stops the store thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.maintainTimer) clearInterval(this.maintainTimer);
    await this.flush().catch(() => undefined);
    await this.call((ack) => ({ type: 'close', ack })).catch(() => undefined);
    this.closed = true;
    await this.worker.terminate();
  }
}
