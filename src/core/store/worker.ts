import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { Database, SqlJsStatic } from 'sql.js';
import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';
import type { RequestDetail, RequestRecord } from '../../shared/records.ts';
import { decodeBlob, encodeBlob } from './blob.ts';
import { addDaily, addRequests, forgetStatements, getMeta, SCHEMA, setMeta, takeLegacyRows, usageReport, windowReport } from './db.ts';
import type { FromWorker, LogsQuery, RowInput, StoreOptions, ToWorker } from './protocol.ts';
import { SegmentLog, type LogLine, type LogPosition } from './segments.ts';

/**
 * The request store's thread. It alone touches the log and the totals database, so nothing it does
 * (writes, compression, snapshots, retention, queries) runs on the event loop that relays streams.
 *
 * Durability: each batch is appended to the segment log and fsync'd before it is acknowledged, then
 * added to the daily totals in sql.js (in memory, a few kilobytes). Now and then the totals are saved
 * whole (temp file, fsync, rename) together with the log position they include; after a crash, the
 * lines past that position are added again. A kill -9 loses at most the batch in flight.
 */

const SNAPSHOT_INTERVAL_MS = 5_000;
const POSITION = 'log_position';

let SQL: SqlJsStatic;
let db: Database;
let log: SegmentLog;
let options: StoreOptions;
let lastSnapshot = 0;
let dirty = false;

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported everywhere (Windows): the rename itself is still atomic
  }
}

/** The totals are rebuilt from CLP's own log after a crash, so SQLite's journal is not needed. */
function tune(): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;');
}

function snapshot(now: number): void {
  setMeta(db, POSITION, JSON.stringify(log.end()));
  forgetStatements(db);
  const bytes = db.export();
  tune();
  const tmp = join(dirname(options.file), `.${basename(options.file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, options.file);
  fsyncDir(dirname(options.file));
  lastSnapshot = now;
  dirty = false;
}

function inTransaction(run: () => void): void {
  db.run('BEGIN');
  try {
    run();
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
}

/** Schema 1's journal: rows that were acknowledged but not yet in its last snapshot. */
function legacyJournal(path: string, seen: Set<string>): Array<{ record: RequestRecord; day: string }> {
  if (!existsSync(path)) return [];
  const out: Array<{ record: RequestRecord; day: string }> = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    try {
      const line = JSON.parse(raw) as { r: RequestRecord; d: string };
      if (!seen.has(line.r.id)) out.push({ record: line.r, day: line.d });
      seen.add(line.r.id);
    } catch {
      // a torn last line
    }
  }
  return out;
}

function open(o: StoreOptions, now: number): void {
  options = o;
  const warnings: string[] = [];
  const loaded = existsSync(o.file) ? readFileSync(o.file) : null;
  try {
    db = loaded ? new SQL.Database(loaded) : new SQL.Database();
    tune();
    db.exec(SCHEMA);
  } catch (err) {
    // Only a file that was never CLP's could get here (snapshots are renamed into place whole): keep
    // it aside for the user rather than deleting it, and start afresh.
    const aside = `${o.file}.unreadable-${now}`;
    renameSync(o.file, aside);
    warnings.push(`${basename(o.file)} could not be read (${(err as Error).message}); moved to ${basename(aside)}`);
    db = new SQL.Database();
    tune();
    db.exec(SCHEMA);
  }
  log = new SegmentLog(o.logDir, o.segmentBytes);
  log.open();
  let recovered = 0;
  // Schema 1 kept every request in the database: move them to the log (their totals are counted).
  const legacy = takeLegacyRows(db);
  const seen = new Set(legacy.map((l) => l.record.id));
  const journal = legacyJournal(o.journal, seen);
  if (legacy.length || journal.length) {
    append([...legacy, ...journal].map((l) => ({ ...l, detail: null })), false);
    inTransaction(() => addRequests(db, journal));
    recovered += journal.length;
  } else {
    const saved = getMeta(db, POSITION);
    const from = saved ? (JSON.parse(saved) as LogPosition) : null;
    const replay: Array<{ record: RequestRecord; day: string }> = [];
    for (const line of log.since(from)) replay.push({ record: line.r, day: line.d });
    if (replay.length) inTransaction(() => addRequests(db, replay));
    recovered += replay.length;
  }
  if (recovered || legacy.length || !loaded) snapshot(now);
  rmSync(o.journal, { force: true });
  lastSnapshot = now;
  post({ type: 'ready', rows: log.count(), recovered, warnings });
}

function append(rows: RowInput[], count = true): void {
  if (!rows.length) return;
  log.append(rows.map((row) => ({ id: row.record.id, day: row.day, record: row.record, blob: row.detail ? encodeBlob(row.detail) : null })));
  if (count) inTransaction(() => addRequests(db, rows));
  dirty = true;
}

function maintain(now: number): void {
  const removed = log.enforce(now - options.retentionDays * 86_400_000, options.maxBytes);
  if (removed.segments || removed.bodies) dirty = true;
  if (dirty) snapshot(now);
}

function logs(q: LogsQuery): RequestRecord[] {
  // Lines are in the order requests finished; a page is read with some slack, then ordered by start.
  const want = q.limit + 64;
  const out: RequestRecord[] = [];
  for (const line of log.newestFirst(q.sinceMs ?? 0)) {
    if (q.service && line.r.service !== q.service) continue;
    if (q.sinceMs !== undefined && line.r.started_at < q.sinceMs) continue;
    out.push(line.r);
    if (out.length >= want) break;
  }
  out.sort((a, b) => b.started_at - a.started_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return out.slice(0, q.limit);
}

/** One request with its bodies, found by its full id or a unique prefix of at least 6 characters. */
function detail(id: string): RequestDetail | null {
  if (id.length < 6 || !/^[0-9a-zA-Z-]+$/.test(id)) return null;
  const full = id.length >= 36;
  const found: LogLine[] = log.find(id, full ? 1 : 2);
  if (found.length !== 1) return null;
  const line = found[0]!;
  const blob = log.readBlob(line);
  const bodies = blob ? decodeBlob(blob) : null;
  return {
    ...line.r,
    request_headers: bodies?.request_headers ?? {},
    response_headers: bodies?.response_headers ?? {},
    request_body: bodies?.request_body ?? null,
    request_body_truncated: bodies?.request_body_truncated ?? false,
    upstream_body: bodies?.upstream_body ?? null,
    response_body: bodies?.response_body ?? null,
    response_body_truncated: bodies?.response_body_truncated ?? false,
  };
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'open':
      return open(m.options, m.now);
    case 'insert': {
      append(m.rows);
      const now = Date.now();
      if (now - lastSnapshot > SNAPSHOT_INTERVAL_MS) snapshot(now);
      if (m.ack !== undefined) post({ type: 'ack', ack: m.ack });
      return;
    }
    case 'maintain':
      maintain(m.now);
      if (m.ack !== undefined) post({ type: 'ack', ack: m.ack });
      return;
    case 'snapshot':
      snapshot(Date.now());
      return post({ type: 'ack', ack: m.ack });
    case 'import':
      if (getMeta(db, m.marker) === null) {
        append(m.rows);
        for (const d of m.daily) addDaily(db, { ...d, requests: 0, errors: 0, cost_usd: 0, unpriced: 0 });
        setMeta(db, m.marker, new Date().toISOString());
        snapshot(Date.now());
      }
      return post({ type: 'ack', ack: m.ack });
    case 'usage': {
      const q = m.query;
      const value =
        q.sinceMs === undefined
          ? usageReport(db, q)
          : windowReport((function* () {
              for (const line of log.newestFirst(q.sinceMs)) yield { record: line.r, day: line.d };
            })(), q);
      return post({ type: 'result', id: m.id, value });
    }
    case 'logs':
      return post({ type: 'result', id: m.id, value: logs(m.query) });
    case 'log':
      return post({ type: 'result', id: m.id, value: detail(m.requestId) });
    case 'meta':
      return post({ type: 'result', id: m.id, value: getMeta(db, m.key) });
    case 'close':
      if (dirty) snapshot(Date.now());
      log.close();
      forgetStatements(db);
      db.close();
      return post({ type: 'ack', ack: m.ack });
  }
}

// Messages are handled strictly in order: the first (`open`) waits for sql.js to load.
let queue: Promise<void> = initSqlJs().then((s) => {
  SQL = s;
});
parentPort!.on('message', (m: ToWorker) => {
  queue = queue.then(() => {
    try {
      handle(m);
    } catch (err) {
      const id = 'id' in m ? m.id : undefined;
      const ack = 'ack' in m ? m.ack : undefined;
      post({ type: 'error', id, ack, message: (err as Error).stack ?? String(err) });
    }
  });
});
