import {
  closeSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  write,
  writev,
} from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../../shared/records.ts';
import { packedRecordText, unpackRecord } from './record-codec.ts';

/**
 * The request log on disk: numbered segments, each a pair of append-only files.
 *
 * - `NNNNNNNN.rec`: one JSON line per request, `{"p":packed record,"d":day,"b":[offset,length]|null}`
 *   (the record's values without their keys, see `record-codec.ts`; lines of an older CLP,
 *   `{"id":…,"d":…,"b":…,"r":record}`, are still read);
 * - `NNNNNNNN.body`: the blobs the lines point at (headers and capped bodies, see `blob.ts`).
 *
 * Nothing of a request stays in memory once it is written: memory is the same after a hundred
 * thousand requests as after ten. A batch is written with one `write` per file (blobs first, then the
 * lines); `sync()` fsyncs what was written, and a segment is fsync'd before it is closed. A process
 * crash loses nothing written; a crash of the machine loses at most what was not yet fsync'd. Either
 * can only leave a torn last line (cut off when the segment is opened again), a blob tail no line
 * points at, or a line whose blob is missing (its detail then shows no bodies). Old segments go whole:
 * bodies first, then lines.
 */

export interface SegmentInfo {
  seq: number;
  /** Latest `started_at` seen in the segment (for retention and time windows). */
  lastMs: number;
  recBytes: number;
  /** Null once the segment's bodies were dropped for space. */
  bodyBytes: number | null;
  /** The local day of its last line (a new day starts a new segment). */
  day: string | null;
}

export interface LogLine {
  id: string;
  d: string;
  b: [number, number] | null;
  r: RequestRecord;
  /** Set when read: the segment the line is in (not written). */
  seq?: number;
}

/** Where the log stood when the daily totals were last saved: everything after it is replayed. */
export interface LogPosition {
  seq: number;
  offset: number;
}

const name = (seq: number, ext: 'rec' | 'body') => `${String(seq).padStart(8, '0')}.${ext}`;

export class SegmentLog {
  private segments: SegmentInfo[] = [];
  private recFd = -1;
  private bodyFd = -1;
  /** Bytes were written to the open segment since its last fsync. */
  private unsynced = false;

  constructor(
    private readonly dir: string,
    /** A segment is closed once its bodies pass this size (or its lines pass a quarter of it). */
    private readonly segmentBytes: number,
  ) {}

  /** Scans the folder, repairs a torn tail, and opens the newest segment for appending. */
  open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const seqs = new Set<number>();
    for (const f of readdirSync(this.dir)) {
      const m = /^(\d{8})\.(rec|body)$/.exec(f);
      if (m) seqs.add(Number(m[1]));
    }
    this.segments = [...seqs].sort((a, b) => a - b).map((seq) => this.scan(seq));
    if (!this.segments.length) this.segments.push({ seq: 1, lastMs: 0, recBytes: 0, bodyBytes: 0, day: null });
    this.openTail();
  }

  private scan(seq: number): SegmentInfo {
    const rec = join(this.dir, name(seq, 'rec'));
    const body = join(this.dir, name(seq, 'body'));
    let recBytes = 0;
    let lastMs = 0;
    let day: string | null = null;
    try {
      // Only a segment's tail is read: a month of history is a hundred segments or more, and the
      // owner's start must not read them whole.
      const { text, start, size } = readTail(rec, SCAN_BYTES);
      // A torn last line (a crash mid-append) is cut off, so the next append starts a line of its own.
      const end = text.lastIndexOf(10) + 1;
      if (start + end < size) ftruncate(rec, start + end);
      recBytes = start + end;
      for (const line of tailLines(text.subarray(0, end), 64)) {
        lastMs = Math.max(lastMs, line.r.started_at);
        day ??= line.d;
      }
    } catch {
      // no lines (only bodies left over): the segment is dropped at the next retention pass
    }
    let bodyBytes: number | null = null;
    try {
      bodyBytes = statSync(body).size;
    } catch {
      bodyBytes = null;
    }
    return { seq, lastMs, recBytes, bodyBytes, day };
  }

  /**
   * Opens the newest segment's files for appending. The folder is made again if it went away while
   * CLP ran (deleted by hand): the log goes on in it rather than failing every batch.
   */
  private openTail(): void {
    const tail = this.segments.at(-1)!;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.closeTail();
    this.recFd = openSync(join(this.dir, name(tail.seq, 'rec')), 'a', 0o600);
    this.bodyFd = openSync(join(this.dir, name(tail.seq, 'body')), 'a', 0o600);
    tail.recBytes = fstatSync(this.recFd).size;
    tail.bodyBytes = fstatSync(this.bodyFd).size;
  }

  private closeTail(): void {
    if (this.recFd >= 0) closeSync(this.recFd);
    if (this.bodyFd >= 0) closeSync(this.bodyFd);
    this.recFd = this.bodyFd = -1;
  }

  /**
   * Appends a batch: blobs first, then the lines pointing at them. A segment holds one local day and
   * about `segmentBytes`, so retention by age and by size both drop whole files.
   */
  async append(entries: Array<{ id: string; day: string; record: RequestRecord; blob: Buffer | null; shed?: boolean }>): Promise<LogPosition> {
    // A segment that could not be opened (its folder gone or unwritable) is tried again; one whose
    // files were deleted under CLP (nothing written to them is kept) is made again.
    if (this.recFd < 0 || this.bodyFd < 0 || fstatSync(this.recFd).nlink === 0) this.openTail();
    let blobs: Buffer[] = [];
    let text: string[] = [];
    let tail = this.segments.at(-1)!;
    let offset = tail.bodyBytes ?? 0;
    let lines = 0;
    const flush = async () => {
      const [parts, recText] = [blobs, text.join('')];
      blobs = [];
      text = [];
      const target = tail;
      if (parts.length) {
        this.unsynced = true;
        // The blobs go out as they are, in one call: joining them first copied every body once more.
        const written = await writeAllv(this.bodyFd, parts);
        target.bodyBytes = (target.bodyBytes ?? 0) + written;
      }
      if (recText) {
        const bytes = Buffer.from(recText);
        this.unsynced = true;
        await writeAll(this.recFd, bytes);
        target.recBytes += bytes.length;
      }
    };
    let pendingRec = 0;
    for (const e of entries) {
      const pending = pendingRec + tail.recBytes;
      const full = (offset >= this.segmentBytes || pending >= this.segmentBytes / 4) && (pending > 0 || offset > 0);
      if (full || (tail.day !== null && tail.day !== e.day && pending > 0)) {
        await flush();
        await this.sync();
        pendingRec = 0;
        this.closeTail();
        this.segments.push({ seq: tail.seq + 1, lastMs: 0, recBytes: 0, bodyBytes: 0, day: null });
        this.openTail();
        tail = this.segments.at(-1)!;
        offset = 0;
      }
      let at = 'null';
      if (e.blob) {
        at = `[${offset},${e.blob.length}]`;
        offset += e.blob.length;
        blobs.push(e.blob);
      }
      const line = `{"p":${packedRecordText(e.record, e.shed)},"d":"${e.day}","b":${at}}\n`;
      text.push(line);
      pendingRec += line.length;
      if (e.record.started_at > tail.lastMs) tail.lastMs = e.record.started_at;
      tail.day = e.day;
      lines++;
    }
    if (lines) await flush();
    return { seq: tail.seq, offset: tail.recBytes };
  }

  /** Fsyncs what was written to the open segment (both files, on libuv's thread pool). */
  async sync(): Promise<void> {
    if (!this.unsynced) return;
    this.unsynced = false;
    await Promise.all([fsyncAsync(this.bodyFd), fsyncAsync(this.recFd)]);
  }

  end(): LogPosition {
    const tail = this.segments.at(-1)!;
    return { seq: tail.seq, offset: tail.recBytes };
  }

  /** Lines written after `from`, oldest first (the replay after a crash). */
  *since(from: LogPosition | null): Generator<LogLine> {
    for (const s of this.segments) {
      if (from && s.seq < from.seq) continue;
      const start = from && s.seq === from.seq ? from.offset : 0;
      const text = this.readRec(s.seq);
      if (!text || start >= text.length) continue;
      for (const raw of text.subarray(start).toString('utf8').split('\n')) {
        const line = parseLine(raw, s.seq);
        if (line) yield line;
      }
    }
  }

  /** Lines newest first, segment by segment, skipping segments that end before `sinceMs`. */
  *newestFirst(sinceMs = 0): Generator<LogLine> {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      if (s.recBytes === 0 || s.lastMs < sinceMs) continue;
      yield* linesBackwards(join(this.dir, name(s.seq, 'rec')), s.seq);
    }
  }

  /**
   * Lines whose id starts with `prefix`, newest first; stops at `max` matches. A byte search over each
   * segment, so finding an old request reads the log, not an index kept in memory.
   */
  find(prefix: string, max: number): LogLine[] {
    const found: LogLine[] = [];
    // Lines start with the id: `{"p":["<id>"` (and `{"id":"<id>"` in an older CLP's lines).
    const needles = [Buffer.from(`{"p":["${prefix}`), Buffer.from(`{"id":"${prefix}`)];
    for (let i = this.segments.length - 1; i >= 0 && found.length < max; i--) {
      const seq = this.segments[i]!.seq;
      const text = this.readRec(seq);
      if (!text) continue;
      const hits: Array<{ at: number; line: LogLine }> = [];
      for (const needle of needles) {
        for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
          if (at > 0 && text[at - 1] !== 10) continue;
          const end = text.indexOf(10, at);
          const line = parseLine(text.subarray(at, end < 0 ? text.length : end).toString('utf8'), seq);
          if (line) hits.push({ at, line });
        }
      }
      hits.sort((a, b) => b.at - a.at);
      found.push(...hits.map((h) => h.line));
    }
    return found.slice(0, max);
  }

  /** The blob a line points at, or null once its segment's bodies were dropped. */
  readBlob(line: LogLine): Buffer | null {
    const seg = this.segments.find((x) => x.seq === line.seq);
    if (!line.b || !seg || seg.bodyBytes === null) return null;
    try {
      const fd = openSync(join(this.dir, name(seg.seq, 'body')), 'r');
      try {
        const out = Buffer.alloc(line.b[1]);
        const n = readSync(fd, out, 0, out.length, line.b[0]);
        return n === out.length ? out : null;
      } finally {
        closeSync(fd);
      }
    } catch {
      return null;
    }
  }

  private readRec(seq: number): Buffer | null {
    try {
      return readFileSync(join(this.dir, name(seq, 'rec')));
    } catch {
      return null;
    }
  }

  bytes(): number {
    return this.segments.reduce((n, s) => n + s.recBytes + (s.bodyBytes ?? 0), 0);
  }

  /**
   * Drops whole segments whose newest request is older than the cutoff; then, while over the budget,
   * the oldest bodies, then the oldest lines. The segment being written is never dropped.
   */
  enforce(cutoffMs: number, maxBytes: number): { segments: number; bodies: number } {
    let segments = 0;
    let bodies = 0;
    const closed = () => this.segments.slice(0, -1);
    for (const s of closed()) {
      if (s.lastMs < cutoffMs) {
        this.drop(s, 'both');
        segments++;
      }
    }
    for (const s of closed()) {
      if (this.bytes() <= maxBytes) break;
      if (s.bodyBytes !== null) {
        this.drop(s, 'body');
        bodies++;
      }
    }
    for (const s of closed()) {
      if (this.bytes() <= maxBytes) break;
      this.drop(s, 'both');
      segments++;
    }
    return { segments, bodies };
  }

  private drop(s: SegmentInfo, what: 'body' | 'both'): void {
    rmSync(join(this.dir, name(s.seq, 'body')), { force: true });
    s.bodyBytes = null;
    if (what === 'both') {
      rmSync(join(this.dir, name(s.seq, 'rec')), { force: true });
      this.segments = this.segments.filter((x) => x !== s);
    }
  }

  close(): void {
    if (this.unsynced) {
      this.unsynced = false;
      if (this.bodyFd >= 0) fsyncSync(this.bodyFd);
      if (this.recFd >= 0) fsyncSync(this.recFd);
    }
    this.closeTail();
  }
}

/** How much of a segment's end is read when the log is opened: dozens of lines, never a whole file. */
const SCAN_BYTES = 128 * 1024;

/**
 * The last `bytes` of a file, from a line start where the window does not reach the file's start
 * (a partial first line is left out). A file whose tail holds no line end at all is read whole.
 */
function readTail(path: string, bytes: number): { text: Buffer; start: number; size: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const out = Buffer.allocUnsafe(size - start);
    const n = readSync(fd, out, 0, out.length, start);
    const text = out.subarray(0, n);
    if (start === 0) return { text, start, size };
    const first = text.indexOf(10);
    if (first < 0 || text.lastIndexOf(10) === first) return { text: readFileSync(path), start: 0, size };
    return { text: text.subarray(first + 1), start: start + first + 1, size };
  } finally {
    closeSync(fd);
  }
}

/** The first read of `linesBackwards`: a page of the newest lines (~100 of ~400 bytes) is one read. */
const BACK_FIRST_BYTES = 64 * 1024;
const BACK_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A segment's lines from its end backwards, newest first, read in growing windows (64 KB, then 4x
 * each time): a consumer that stops after the newest page (`clp logs`, the Requests page) reads the
 * file's tail, not the whole 2 MB segment; one that reads on gets few large reads. A line cut by a
 * window's start waits for the next window; a torn or unreadable line is skipped, as everywhere.
 */
export function* linesBackwards(path: string, seq?: number, firstBytes = BACK_FIRST_BYTES): Generator<LogLine> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    let pos = fstatSync(fd).size;
    let window = firstBytes;
    // The start of the newest line not yet whole: the bytes before the first line end of the window read last.
    let carry: Buffer | null = null;
    while (pos > 0) {
      const start = Math.max(0, pos - window);
      const chunk = Buffer.allocUnsafe(pos - start);
      const n = readSync(fd, chunk, 0, chunk.length, start);
      if (n !== chunk.length) return; // the file shrank under the read (a retention pass): what was read stands
      pos = start;
      window = Math.min(window * 4, BACK_MAX_BYTES);
      const text: Buffer = carry ? Buffer.concat([chunk, carry]) : chunk;
      if (pos === 0) {
        yield* tailLines(text, Infinity, seq);
        return;
      }
      const first = text.indexOf(10);
      if (first < 0) {
        carry = text;
        continue;
      }
      carry = text.subarray(0, first);
      yield* tailLines(text.subarray(first + 1), Infinity, seq);
    }
  } finally {
    closeSync(fd);
  }
}

function parseLine(raw: string, seq?: number): LogLine | null {
  if (!raw) return null;
  let parsed: { p?: unknown; r?: RequestRecord; d?: string; b?: [number, number] | null };
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const r = parsed.p !== undefined ? unpackRecord(parsed.p) : (parsed.r ?? null);
  if (!r || typeof parsed.d !== 'string') return null;
  return { id: r.id, d: parsed.d, b: parsed.b ?? null, r, seq };
}

/** The last `max` lines of a segment's text, newest first. */
function* tailLines(text: Buffer, max: number, seq?: number): Generator<LogLine> {
  let end = text.length;
  if (end && text[end - 1] === 10) end--;
  let n = 0;
  while (end > 0 && n < max) {
    const start = text.lastIndexOf(10, end - 1) + 1;
    const line = parseLine(text.subarray(start, end).toString('utf8'), seq);
    if (line) {
      n++;
      yield line;
    }
    end = start - 1;
  }
}

/** Writes and fsyncs run on libuv's thread pool: the event loop never waits on the disk. */
async function writeAll(fd: number, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    done += await new Promise<number>((resolve, reject) => write(fd, bytes, done, bytes.length - done, null, (err, n) => (err ? reject(err) : resolve(n))));
  }
}

/** Writes every buffer, in order, at the file's end; returns the bytes written. */
async function writeAllv(fd: number, buffers: Buffer[]): Promise<number> {
  let rest = buffers;
  let total = 0;
  while (rest.length) {
    const n = await new Promise<number>((resolve, reject) => writev(fd, rest, (err, written) => (err ? reject(err) : resolve(written))));
    total += n;
    // A short write: drop what went out, keep the rest of a buffer cut in the middle.
    let left = n;
    let i = 0;
    while (i < rest.length && left >= rest[i]!.length) left -= rest[i++]!.length;
    rest = rest.slice(i);
    if (left && rest.length) rest[0] = rest[0]!.subarray(left);
  }
  return total;
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

function ftruncate(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
