import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync, ftruncateSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import type { Database, SqlJsStatic } from 'sql.js';
import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';
import { addDaily, countRows, encodeBody, forgetStatements, enforceRetention, freeBytes, getLog, getMeta, insertRow, listLogs, SCHEMA, setMeta, usageReport, type StoredBodies } from './db.ts';
import type { FromWorker, RowInput, StoreOptions, ToWorker } from './protocol.ts';

/**
 * The request store's thread. It alone touches the database, so nothing it does (inserts, compression,
 * snapshots, retention, queries) runs on the event loop that relays streams.
 *
 * Durability: sql.js keeps the database in memory. Every batch of new rows is appended to a journal
 * and fsync'd before it is acknowledged, so a kill -9 loses at most the batch in flight (the main
 * thread sends one every 250 ms). Now and then the whole database is exported to a temp file,
 * fsync'd and renamed over the snapshot, and only then is the journal emptied. A crash at any point
 * leaves a whole snapshot plus a journal whose replay is idempotent (rows are keyed by id).
 */

type JournalLine = { r: RowInput['record']; d: string; b: null | (Omit<StoredBodies, 'request_body' | 'upstream_body' | 'response_body'> & { q: string | null; u: string | null; s: string | null }) };

const SNAPSHOT_JOURNAL_BYTES = 32 * 1024 * 1024;
const SNAPSHOT_INTERVAL_MS = 10 * 60 * 1000;

let SQL: SqlJsStatic;
let db: Database;
let options: StoreOptions;
let journalFd = -1;
let journalBytes = 0;
let lastSnapshot = 0;
let dirty = false;

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

function deflate(bytes: Uint8Array | null): Uint8Array | null {
  return encodeBody(bytes, (b) => deflateRawSync(b));
}

function toStored(row: RowInput): StoredBodies | null {
  const d = row.detail;
  if (!d) return null;
  return {
    request_headers: JSON.stringify(d.request_headers),
    response_headers: JSON.stringify(d.response_headers),
    request_body: deflate(d.request_body),
    request_truncated: d.request_truncated,
    upstream_body: deflate(d.upstream_body),
    response_body: deflate(d.response_body),
    response_truncated: d.response_truncated,
  };
}

function b64(bytes: Uint8Array | null): string | null {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : null;
}

function unb64(text: string | null): Uint8Array | null {
  return text === null ? null : new Uint8Array(Buffer.from(text, 'base64'));
}

function journalLine(row: RowInput, bodies: StoredBodies | null): string {
  const line: JournalLine = {
    r: row.record,
    d: row.day,
    b: bodies && {
      request_headers: bodies.request_headers,
      response_headers: bodies.response_headers,
      request_truncated: bodies.request_truncated,
      response_truncated: bodies.response_truncated,
      q: b64(bodies.request_body),
      u: b64(bodies.upstream_body),
      s: b64(bodies.response_body),
    },
  };
  return `${JSON.stringify(line)}\n`;
}

function fromJournal(line: JournalLine): [RowInput['record'], string, StoredBodies | null] {
  const b = line.b;
  return [
    line.r,
    line.d,
    b && {
      request_headers: b.request_headers,
      response_headers: b.response_headers,
      request_truncated: b.request_truncated,
      response_truncated: b.response_truncated,
      request_body: unb64(b.q),
      upstream_body: unb64(b.u),
      response_body: unb64(b.s),
    },
  ];
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

/**
 * SQLite's own rollback journal would be one more copy of every page into sql.js's in-memory file
 * system on every transaction; durability comes from CLP's journal and snapshots instead. `export()`
 * resets pragmas, so this runs after every export too.
 */
function tune(): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;');
}

function snapshot(now: number): void {
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
  ftruncateSync(journalFd, 0);
  fsyncSync(journalFd);
  journalBytes = 0;
  lastSnapshot = now;
  dirty = false;
}

function open(o: StoreOptions, now: number): void {
  options = o;
  const warnings: string[] = [];
  let loaded: Uint8Array | null = null;
  if (existsSync(o.file)) {
    loaded = readFileSync(o.file);
  }
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
  let recovered = 0;
  if (existsSync(o.journal)) {
    const text = readFileSync(o.journal, 'utf8');
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        continue; // the torn last line of a crash mid-append
      }
      if (insertRow(db, ...fromJournal(line))) recovered++;
    }
  }
  journalFd = openSync(o.journal, 'a', 0o600);
  journalBytes = statSync(o.journal).size;
  if (recovered > 0 || journalBytes > 0 || !loaded) snapshot(now);
  lastSnapshot = now;
  post({ type: 'ready', rows: countRows(db), recovered, warnings });
}

function insert(rows: RowInput[]): void {
  if (!rows.length) return;
  const prepared = rows.map((row) => [row, toStored(row)] as const);
  const text = prepared.map(([row, bodies]) => journalLine(row, bodies)).join('');
  const bytes = Buffer.from(text);
  writeSync(journalFd, bytes);
  fsyncSync(journalFd);
  journalBytes += bytes.length;
  db.run('BEGIN');
  try {
    for (const [row, bodies] of prepared) insertRow(db, row.record, row.day, bodies);
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
  dirty = true;
}

function maintain(now: number): void {
  const cutoff = now - options.retentionDays * 86_400_000;
  const removed = enforceRetention(db, cutoff, options.maxBytes);
  // Compact once a quarter of the file is free pages, so the snapshot (and memory) shrink with it.
  const free = freeBytes(db);
  if (free > 1024 * 1024 && free * 4 > options.maxBytes) {
    db.exec('VACUUM');
    dirty = true;
  }
  if (removed.rows || removed.bodies) dirty = true;
  if (dirty && (journalBytes > SNAPSHOT_JOURNAL_BYTES || now - lastSnapshot > SNAPSHOT_INTERVAL_MS || removed.rows || removed.bodies)) snapshot(now);
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'open':
      return open(m.options, m.now);
    case 'insert':
      insert(m.rows);
      if (journalBytes > SNAPSHOT_JOURNAL_BYTES) snapshot(Date.now());
      if (m.ack !== undefined) post({ type: 'ack', ack: m.ack });
      return;
    case 'maintain':
      maintain(m.now);
      if (m.ack !== undefined) post({ type: 'ack', ack: m.ack });
      return;
    case 'snapshot':
      snapshot(Date.now());
      return post({ type: 'ack', ack: m.ack });
    case 'import':
      if (getMeta(db, m.marker) === null) {
        insert(m.rows);
        for (const d of m.daily) addDaily(db, { ...d, requests: 0, errors: 0, cost_usd: 0, unpriced: 0 });
        setMeta(db, m.marker, new Date().toISOString());
        snapshot(Date.now());
      }
      return post({ type: 'ack', ack: m.ack });
    case 'usage':
      return post({ type: 'result', id: m.id, value: usageReport(db, m.query) });
    case 'logs':
      return post({ type: 'result', id: m.id, value: listLogs(db, m.query) });
    case 'log':
      return post({ type: 'result', id: m.id, value: getLog(db, m.requestId) });
    case 'meta':
      return post({ type: 'result', id: m.id, value: getMeta(db, m.key) });
    case 'close':
      if (dirty || journalBytes > 0) snapshot(Date.now());
      closeSync(journalFd);
      if (journalBytes === 0) rmSync(options.journal, { force: true });
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
