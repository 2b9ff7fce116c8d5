import { renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { logMatches, newerFirst, type RequestDetail, type RequestRecord, type UsageReport } from '../../shared/records.ts';
import type { RequestFinished } from '../events.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { Logger } from '../log.ts';
import { CompressBudget, decodeBlob, encodeBlob } from './blob.ts';
import { BodyRate } from './body-rate.ts';
import { localDay } from '../time.ts';
import { repriceDaily } from './reprice.ts';
import {
  addDaily,
  addRequests,
  encodeTotals,
  foldDaily,
  getMeta,
  mergeTotals,
  newTotals,
  sessionDayOf,
  setMeta,
  type Totals,
  trimSessions,
  usageReport,
  windowReport,
} from './db.ts';
import { readTotals, TOTALS_FILE } from './totals-file.ts';
import type { DailyImport, LogsQuery, RowInput, UsageQuery } from './protocol.ts';
import { rowWithBodies, shedRow } from './row.ts';
import { SegmentLog, type LogPosition } from './segments.ts';

export interface RequestStoreOptions {
  dataDir: string;
  retentionDays: number;
  /** The request log's budget on disk. */
  maxBytes: number;
  /** Per-body cap (request, upstream and response bodies each). */
  bodyBytes: number;
  log: Logger;
  now?: () => number;
  /**
   * How long a finished request may wait before its batch is written (default 200 ms; a batch of
   * `FLUSH_ROWS` goes at once). Each write is a round trip to libuv's thread pool, which costs more
   * than the bytes it writes: at 10 ms batches (16 requests each at saturation) the writes cost
   * about 15% of the proxy's CPU per request (README's bench section). Reads write what waits first.
   */
  flushMs?: number;
  /** Requests a second that keep their headers and bodies (the rest keep their record); default 100. */
  bodiesPerSecond?: number;
}

const MAX_PENDING = 10_000;
/**
 * Several times one person's busiest use (Claude Code with subagents in parallel sends a few requests
 * a second), with a burst of five seconds' worth; past it a load test keeps its records, and the log's
 * memory, CPU and disk stay those of a person's use (at 100 a second, 70 KB answers kept the queue of
 * bodies full and the disk budget went in minutes).
 */
export const DEFAULT_BODIES_PER_SECOND = 20;
/** A batch this large is written without waiting for the timer, so batches stay young in V8's nursery. */
const FLUSH_ROWS = 256;
/**
 * Body bytes queued for the disk (waiting for compression or a write). Past it, under a load the
 * disk and the thread pool cannot keep up with, new requests are not captured and go to the log as
 * their records, saying so: the proxy's memory stays bounded and relaying never waits for the log.
 * A person's queue holds a few hundred kilobytes (a batch is 200 ms); 16 MB is for bursts only.
 */
const MAX_QUEUED_BODY_BYTES = 16 * 1024 * 1024;
const SNAPSHOT_INTERVAL_MS = 5_000;
/**
 * How often written batches are fsync'd. A process crash loses nothing written; a crash of the whole
 * machine loses at most this much of the log (an fsync per batch was a measurable cost per request).
 */
const SYNC_INTERVAL_MS = 1_000;
const POSITION = 'log_position';
/** The price table the daily totals' costs were last summed at. */
const PRICES = 'prices_stamp';
/** Set once retention or the disk budget has removed requests from the log. */
const TRIMMED = 'log_trimmed';
/** Set once the totals hold session rows (totals saved before them get them from the log, once). */
const SESSION_ROWS = 'session_rows';

/**
 * The request log, in the owner process. Records and capped bodies are queued; a timer writes the
 * queue as one batch: bodies compressed on libuv's thread pool, lines and blobs appended to the
 * segment log (`segments.ts`; fsync'd every second and before each snapshot), then summed into the
 * daily totals: a few hundred rows in memory, saved whole as JSON every few seconds (temp file, fsync,
 * rename) with the log position they include. After a crash, the lines past that position are added again. A kill
 * -9 loses at most the batch in flight (200 ms), a machine crash at most the last second; nothing of a request
 * stays in memory once written, and a request never waits on any of it.
 */
export class RequestStore {
  private pending: RowInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Background batches that failed since the last one written (a failing disk is logged once). */
  private failedBatches = 0;
  private maintainTimer: NodeJS.Timeout | null = null;
  /** Writes, retention and snapshots run one after another. */
  private chain: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private pricer: ((r: RequestRecord) => RequestRecord) | null = null;
  private closed = false;
  private dirty = false;
  private lastSnapshot = 0;
  /**
   * What the batches written since the last snapshot add to the daily totals. It goes into them with
   * the snapshot (or before a report), not per batch.
   */
  private unsaved: Totals = newTotals();
  private lastSync = 0;
  private readonly file: string;
  dropped = 0;
  private queuedBodyBytes = 0;
  private readonly bodyRate: BodyRate;

  private constructor(
    private readonly options: RequestStoreOptions,
    private readonly totals: Totals,
    private readonly segments: SegmentLog,
  ) {
    this.now = options.now ?? Date.now;
    this.bodyRate = new BodyRate(options.bodiesPerSecond ?? DEFAULT_BODIES_PER_SECOND);
    this.file = join(options.dataDir, TOTALS_FILE);
  }

  static async open(options: RequestStoreOptions): Promise<RequestStore> {
    const now = (options.now ?? Date.now)();
    const { totals, fresh, legacy } = await readTotals(options, now);
    // About eight segments in the budget: retention drops an eighth at a time.
    const segmentBytes = Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 8)));
    const segments = new SegmentLog(join(options.dataDir, 'log'), segmentBytes);
    segments.open();
    const store = new RequestStore(options, totals, segments);
    const recovered = await store.recover(fresh || legacy !== null);
    if (recovered) options.log.info(`request store: recovered ${recovered} request(s) from the log`);
    // The totals are in totals.json now: the older file is kept aside, never read again.
    if (legacy) {
      renameSync(legacy, `${legacy}.moved`);
      options.log.info(`request store: daily totals moved from ${basename(legacy)} to ${TOTALS_FILE}`);
    }
    store.maintainTimer = setInterval(() => void store.maintain().catch(() => undefined), 60_000);
    store.maintainTimer.unref();
    await store.maintain();
    return store;
  }

  /**
   * Brings the totals up to the log: the lines past the position the saved totals include. Totals
   * saved before they had session rows get them once, summed from the whole log.
   */
  private async recover(fresh: boolean): Promise<number> {
    const saved = getMeta(this.totals, POSITION);
    let replayed = 0;
    const segments = this.segments;
    addRequests(
      this.totals,
      (function* () {
        for (const line of segments.since(saved ? (JSON.parse(saved) as LogPosition) : null)) {
          replayed++;
          yield { record: line.r, day: line.d };
        }
      })(),
    );
    // Replayed from the start, the session rows are whole already; from a saved position they are
    // only if those totals had them.
    const backfill = getMeta(this.totals, SESSION_ROWS) === null;
    if (backfill && saved) this.sessionsFromLog();
    else if (backfill) setMeta(this.totals, SESSION_ROWS, '1');
    if (replayed || fresh || backfill) await this.snapshotNow();
    this.lastSnapshot = this.now();
    return replayed;
  }

  /**
   * The session rows summed anew from `lines` (every line the log holds, priced), passed on as they
   * are read: a reprice sums its days from the same pass.
   */
  private *sessionsFrom(lines: Iterable<{ record: RequestRecord; day: string }>): Generator<{ record: RequestRecord; day: string }> {
    this.totals.sessions.clear();
    for (const line of lines) {
      foldDaily(this.totals.sessions, sessionDayOf(line.record, line.day));
      yield line;
    }
    setMeta(this.totals, SESSION_ROWS, '1');
  }

  /** Every line the log holds, oldest first, at the prices in force. */
  private *pricedLines(): Generator<{ record: RequestRecord; day: string }> {
    for (const line of this.segments.since(null)) yield { record: this.priced(line.r), day: line.d };
  }

  private sessionsFromLog(): void {
    for (const _line of this.sessionsFrom(this.pricedLines())) {
      // summed as they are read
    }
  }

  private queue<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Whether a request starting now may keep its headers and bodies: within the bodies' rate and
   * with room in their queue. Asked once per request, at its start; one told no is never captured.
   */
  takeBodySlot(): boolean {
    return !this.closed && this.queuedBodyBytes < MAX_QUEUED_BODY_BYTES && this.bodyRate.take(this.now());
  }

  /**
   * Queues a finished (and priced) request. It only takes capped views of the bodies and returns; one
   * that was not to keep its bodies (`takeBodySlot`), or past their budget of queued bytes now, goes
   * as its record alone, marked.
   */
  add(finished: RequestFinished): void {
    if (this.closed) return;
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++; // the disk is far behind: keep the proxy's memory bounded
      return;
    }
    if (!finished.bodies) return this.addShed(finished.record);
    const row = rowWithBodies(finished.record, finished.detail(), this.options.bodyBytes);
    if (this.queuedBodyBytes + row.bytes > MAX_QUEUED_BODY_BYTES) return this.addShed(finished.record);
    this.queuedBodyBytes += row.bytes;
    this.pending.push(row);
    this.scheduleFlush();
  }

  private addShed(record: RequestRecord): void {
    this.pending.push(shedRow(record));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.pending.length >= FLUSH_ROWS) {
      this.flushInBackground();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flushInBackground(), this.options.flushMs ?? 200);
      this.timer.unref();
    }
  }

  /**
   * Writes what is queued without anyone waiting. A failure goes to CLP's log once, not per batch (a
   * full disk or a folder gone fails every batch until it is fixed); the first write that works
   * again says how many batches were lost.
   */
  private flushInBackground(): void {
    void this.flush().then(
      () => {
        if (!this.failedBatches) return;
        this.options.log.info(`request store: writing again; ${this.failedBatches} batch(es) could not be written`);
        this.failedBatches = 0;
      },
      (err: Error) => {
        if (!this.failedBatches++) this.options.log.error(`request store: ${err.message}`);
      },
    );
  }

  /** Writes what is queued and resolves once it is on disk. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    if (!rows.length || this.closed) return this.chain;
    return this.queue(() => this.write(rows)).finally(() => {
      for (const row of rows) this.queuedBodyBytes -= row.bytes ?? 0;
    });
  }

  private async write(rows: RowInput[]): Promise<void> {
    // Most blobs are built at once; those with a large body wait for the thread pool, one at a time.
    const budget = new CompressBudget();
    const blobs: Array<Buffer | null> = [];
    for (const row of rows) {
      const blob = row.detail ? encodeBlob(row.detail, budget) : null;
      blobs.push(typeof blob === 'function' ? await blob() : blob);
    }
    const entries = rows.map((row, i) => ({ id: row.record.id, day: row.day, record: row.record, blob: blobs[i] ?? null, shed: row.shed === true }));
    await this.segments.append(entries);
    addRequests(this.unsaved, rows);
    this.dirty = true;
    const now = this.now();
    if (now - this.lastSnapshot > SNAPSHOT_INTERVAL_MS) await this.snapshotNow();
    else if (now - this.lastSync >= SYNC_INTERVAL_MS) await this.syncLog(now);
  }

  private async syncLog(now = this.now()): Promise<void> {
    this.lastSync = now;
    await this.segments.sync();
  }

  /**
   * Saves the totals whole with the log position they include. They are a few kilobytes (one row per
   * day, config and model), so this is quick enough to run between batches.
   */
  private async snapshotNow(): Promise<void> {
    // The position saved must never be ahead of what a crash of the machine would keep.
    await this.syncLog();
    this.saveTotals();
    setMeta(this.totals, POSITION, JSON.stringify(this.segments.end()));
    const bytes = encodeTotals(this.totals);
    // Temp file, fsync, rename, on libuv's thread pool: the event loop never waits on the disk.
    await writeFileAtomic(this.file, bytes);
    this.lastSnapshot = this.now();
    this.dirty = false;
  }

  /** Adds the sums of the batches written since the last snapshot to the totals. */
  private saveTotals(): void {
    if (!this.unsaved.daily.size) return;
    mergeTotals(this.totals, this.unsaved);
    this.unsaved = newTotals();
  }

  usage(query: UsageQuery): Promise<UsageReport> {
    return this.read(() => {
      // Whole days come from the totals (sessions and projects from their rows, as far back as the
      // log goes); a window shorter than a day is summed from the request lines themselves.
      if (query.sinceMs === undefined) {
        this.saveTotals();
        return usageReport(this.totals, query);
      }
      const segments = this.segments;
      const sinceDay = query.sinceDay;
      const priced = (r: RequestRecord) => this.priced(r);
      return windowReport(
        (function* () {
          for (const line of segments.newestFirst(query.sinceMs ?? 0)) if (!sinceDay || line.d >= sinceDay) yield { record: priced(line.r), day: line.d };
        })(),
        query,
      );
    });
  }

  /**
   * Records read from now on carry their cost at `price` (the table in force), not the one stored
   * when they were logged: a price change reaches every request the log holds.
   */
  usePrices(price: (r: RequestRecord) => RequestRecord): void {
    this.pricer = price;
  }

  private priced(r: RequestRecord): RequestRecord {
    return this.pricer && r.usage ? this.pricer(r) : r;
  }

  /** After a change of the price table (`stamp` names it): the daily totals' costs summed anew; false when they already were. */
  reprice(stamp: string): Promise<boolean> {
    return this.queue(async () => {
      if (getMeta(this.totals, PRICES) === stamp) return false;
      this.saveTotals();
      // One pass over the log: the session rows are summed from the lines the days are.
      repriceDaily(this.totals, this.sessionsFrom(this.pricedLines()), getMeta(this.totals, TRIMMED) !== null);
      setMeta(this.totals, PRICES, stamp);
      this.dirty = true;
      await this.snapshotNow();
      return true;
    });
  }

  logs(q: LogsQuery): Promise<RequestRecord[]> {
    return this.read(() => {
      // Lines are in the order requests finished; a page is read with some slack, then ordered by start.
      const want = q.limit + 64;
      const out: RequestRecord[] = [];
      const before = q.before ? { started_at: q.before.at, id: q.before.id } : null;
      for (const line of this.segments.newestFirst(q.sinceMs ?? 0)) {
        const r = this.priced(line.r);
        if (q.sinceMs !== undefined && r.started_at < q.sinceMs) continue;
        if (before && newerFirst(before, r) >= 0) continue;
        if (!logMatches(r, q)) continue;
        out.push(r);
        if (out.length >= want) break;
      }
      out.sort(newerFirst);
      return out.slice(0, q.limit);
    });
  }

  /**
   * Runs `use` over every record the log holds, oldest first (the order they finished), read one at a
   * time as `use` iterates: after the writes queued before it, with nothing else in between.
   */
  withRecords<T>(use: (records: Iterable<RequestRecord>) => T): Promise<T> {
    return this.read(() => {
      const segments = this.segments;
      const priced = (r: RequestRecord) => this.priced(r);
      return use(
        (function* () {
          for (const line of segments.since(null)) yield priced(line.r);
        })(),
      );
    });
  }

  /** Every record started at or after `sinceMs`, in the order they finished, newest first. */
  recordsSince(sinceMs: number): Promise<RequestRecord[]> {
    return this.read(() => {
      const out: RequestRecord[] = [];
      for (const line of this.segments.newestFirst(sinceMs)) if (line.r.started_at >= sinceMs) out.push(this.priced(line.r));
      return out;
    });
  }

  /** One request with its bodies, found by its full id or a unique prefix of at least 6 characters. */
  log(id: string): Promise<RequestDetail | null> {
    return this.read(() => {
      if (id.length < 6 || !/^[0-9a-zA-Z-]+$/.test(id)) return null;
      const found = this.segments.find(id, id.length >= 36 ? 1 : 2);
      if (found.length !== 1) return null;
      const line = found[0]!;
      // A damaged blob (a torn write, a bad disk) costs the bodies, never the record.
      let bodies: ReturnType<typeof decodeBlob> | null = null;
      let unreadable = false;
      try {
        const blob = this.segments.readBlob(line);
        bodies = blob ? decodeBlob(blob) : null;
      } catch {
        unreadable = true;
      }
      return {
        ...this.priced(line.r),
        ...(unreadable ? { bodies_unreadable: true } : {}),
        request_headers: bodies?.request_headers ?? {},
        response_headers: bodies?.response_headers ?? {},
        request_body: bodies?.request_body ?? null,
        request_body_truncated: bodies?.request_body_truncated ?? false,
        upstream_body: bodies?.upstream_body ?? null,
        response_body: bodies?.response_body ?? null,
        response_body_truncated: bodies?.response_body_truncated ?? false,
      };
    });
  }

  meta(key: string): Promise<string | null> {
    return this.read(() => getMeta(this.totals, key));
  }

  /** Reads run after the writes queued before them, and what waits for the timer is written first. */
  private read<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the request store is closed'));
    if (this.pending.length) this.flushInBackground();
    return this.queue(run);
  }

  /** Runs retention now (tests pass their own clock). */
  maintain(now = this.now()): Promise<void> {
    return this.queue(async () => {
      const removed = this.segments.enforce(now - this.options.retentionDays * 86_400_000, this.options.maxBytes);
      // From now on the oldest day in the log may be missing requests (see reprice).
      if (removed.segments && getMeta(this.totals, TRIMMED) === null) setMeta(this.totals, TRIMMED, new Date(now).toISOString());
      // Session rows go with the log's days (by age; a day the budget cut is kept whole).
      const before = this.totals.sessions.size;
      trimSessions(this.totals, localDay(now - this.options.retentionDays * 86_400_000));
      if (this.totals.sessions.size !== before) this.dirty = true;
      if (removed.segments || removed.bodies) this.dirty = true;
      if (this.dirty) await this.snapshotNow();
    });
  }

  snapshot(): Promise<void> {
    return this.queue(() => this.snapshotNow());
  }

  /** Imports rows and daily totals once: a later call with the same marker does nothing. */
  importOnce(marker: string, rows: RowInput[], daily: DailyImport[]): Promise<void> {
    return this.queue(async () => {
      if (getMeta(this.totals, marker) !== null) return;
      await this.write(rows);
      for (const d of daily) addDaily(this.totals, { ...d, requests: 0, errors: 0, cost_usd: 0, unpriced: 0, estimated: 0 });
      setMeta(this.totals, marker, new Date().toISOString());
      await this.snapshotNow();
    });
  }

  /** Writes what is queued, saves the totals and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.maintainTimer) clearInterval(this.maintainTimer);
    await this.flush().catch(() => undefined);
    await this.queue(async () => {
      if (this.dirty) await this.snapshotNow();
    }).catch(() => undefined);
    this.closed = true;
    this.segments.close();
  }
}
