export interface SseEvent {
  /** The `event:` name, or null when the frame had none (Chat Completions, some relays). */
  event: string | null;
  data: string;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
/** The longest line worth decoding; past it the line is dropped, with the event it belongs to. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
const WANT_ALL = () => true;

/** Whether `a` holds the bytes `buf[start..end)`. */
function sameBytes(a: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/** An event name as seen (its bytes), decoded and judged once. */
interface KnownName {
  bytes: Uint8Array;
  name: string;
  wanted: boolean;
}
/**
 * What each `want` said of the names it was asked about, by a hash of their bytes: a stream's decoder
 * is new, its names are not, and judging one then costs no string at all.
 */
const NAMES = new WeakMap<(event: string | null) => boolean, NameTable>();
/** At most this many names are remembered per reader (an upstream could send any number). */
const MAX_NAMES = 64;
interface NameTable {
  byHash: Map<number, KnownName[]>;
  count: number;
}

/**
 * An incremental Server-Sent Events decoder (WHATWG rules): lines end in `\n`, `\r\n` or `\r`, even
 * when the pair is split across chunks; an event ends at a blank line; several `data:` lines join with
 * `\n`; comments (`:`) are skipped. It works on bytes and decodes UTF-8 only for whole lines, so a
 * character split across chunks is never lost, and any re-chunking of the same bytes yields the same
 * events.
 *
 * `want` picks the events worth decoding by their `event:` name (null: unnamed). The others are only
 * framed: their data is never copied, decoded or joined, which is most of a stream's text deltas.
 *
 * Linear in the bytes pushed, whatever the chunking: the pieces of an unfinished line are kept in a
 * list and joined once (appending each chunk to a growing copy was quadratic and could hold the
 * whole owner on one long line), and a line past `maxLine` is given up.
 */
export class SseDecoder {
  /** The pieces of an unfinished line. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The current line passed the bound: its bytes are skipped up to its end. */
  private overlong = false;
  /** The current event lost a line to the bound: it is not delivered. */
  private broken = false;
  private pendingCR = false;
  private started = false;
  private event: string | null = null;
  private data: Buffer[] = [];
  private hasData = false;
  /** `want` of the current event's name, asked once per name. */
  private wanted: boolean | undefined = undefined;
  /** Event names seen, decoded and judged once per `want`. */
  private readonly names: NameTable;
  private wantUnnamed: boolean | undefined = undefined;

  constructor(
    private readonly want: (event: string | null) => boolean = WANT_ALL,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {
    let names = NAMES.get(want);
    if (!names) NAMES.set(want, (names = { byHash: new Map(), count: 0 }));
    this.names = names;
  }

  push(chunk: Uint8Array, onEvent: (e: SseEvent) => void): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const len = buf.length;
    let pos = 0;
    if (this.pendingCR && pos < len) {
      this.pendingCR = false;
      if (buf[pos] === LF) pos++;
    }
    // Almost every stream ends its lines in `\n` alone: then a native search finds each line end.
    const anyCR = buf.indexOf(CR, pos) !== -1;
    while (pos < len) {
      let end: number;
      if (!anyCR) {
        end = buf.indexOf(LF, pos);
      } else {
        end = pos;
        while (end < len && buf[end] !== LF && buf[end] !== CR) end++;
        if (end === len) end = -1;
      }
      if (end < 0) break;
      if (this.overlong) {
        this.overlong = false;
      } else if (this.partialBytes) {
        this.partial.push(buf.subarray(pos, end));
        const line = Buffer.concat(this.partial, this.partialBytes + end - pos);
        this.partial = [];
        this.partialBytes = 0;
        if (line.length > this.maxLine) this.broken = true;
        else this.line(line, 0, line.length, onEvent);
      } else if (end - pos > this.maxLine) {
        this.broken = true;
      } else {
        this.line(buf, pos, end, onEvent);
      }
      if (buf[end] === CR) {
        if (end + 1 < len) {
          if (buf[end + 1] === LF) end++;
        } else {
          this.pendingCR = true;
        }
      }
      pos = end + 1;
    }
    if (pos < len && !this.overlong) {
      // A copy: the caller may reuse its buffer once push returns.
      const rest = Buffer.from(buf.subarray(pos));
      if (this.partialBytes + rest.length > this.maxLine) {
        this.partial = [];
        this.partialBytes = 0;
        this.overlong = true;
        this.broken = true;
      } else {
        this.partial.push(rest);
        this.partialBytes += rest.length;
      }
    }
  }

  /** Flushes the end of the stream. A last event missing its blank line is still delivered. */
  end(onEvent: (e: SseEvent) => void): void {
    if (this.partialBytes) {
      const line = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      this.line(line, 0, line.length, onEvent);
    }
    this.overlong = false;
    this.dispatch(onEvent);
  }

  /** One line: `buf[start..end)`, without its line end (no copy is made of it). */
  private line(buf: Buffer, start: number, end: number, onEvent: (e: SseEvent) => void): void {
    if (!this.started) {
      this.started = true;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3; // a UTF-8 byte order mark
    }
    if (start === end) return this.dispatch(onEvent);
    if (buf[start] === COLON) return; // a comment
    let fieldEnd = start;
    while (fieldEnd < end && buf[fieldEnd] !== COLON) fieldEnd++;
    let valueStart = fieldEnd < end ? fieldEnd + 1 : end;
    if (valueStart < end && buf[valueStart] === SPACE) valueStart++;
    const field = fieldEnd - start;
    if (field === 4 && buf[start] === 0x64 && buf[start + 1] === 0x61 && buf[start + 2] === 0x74 && buf[start + 3] === 0x61) {
      this.dataLine(buf, valueStart, end);
    } else if (field === 5 && buf[start] === 0x65 && buf[start + 1] === 0x76 && buf[start + 2] === 0x65 && buf[start + 3] === 0x6e && buf[start + 4] === 0x74) {
      this.nameLine(buf, valueStart, end);
    }
  }

  /** A `data` line's value `buf[start..end)`: kept only while the event may be wanted (a name seen so far says it is not). */
  private dataLine(buf: Buffer, start: number, end: number): void {
    this.hasData = true;
    if ((this.wanted ??= this.wantName(this.event))) this.data.push(buf.subarray(start, end));
  }

  /**
   * An `event` line: its name is `buf[start..end)`, found among the names seen before by its bytes,
   * without making a string; decoded as UTF-8 and judged only when new.
   */
  private nameLine(buf: Buffer, start: number, end: number): void {
    const length = end - start;
    // Its length and three of its bytes tell most names apart; the bytes themselves decide.
    const hash = length === 0 ? 0 : length + ((buf[start]! ^ (buf[start + (length >> 1)]! << 8) ^ (buf[end - 1]! << 16)) << 6);
    let list = this.names.byHash.get(hash);
    let known: KnownName | undefined;
    if (list) for (const k of list) if (sameBytes(k.bytes, buf, start, end)) known = k;
    if (!known) {
      const name = buf.toString('utf8', start, end);
      known = { bytes: Buffer.from(buf.subarray(start, end)), name, wanted: this.want(name) };
      if (this.names.count < MAX_NAMES) {
        if (!list) this.names.byHash.set(hash, (list = []));
        list.push(known);
        this.names.count++;
      }
    }
    this.event = known.name;
    this.wanted = known.wanted;
  }

  /** `want` of an unnamed event (null), asked once. */
  private wantName(event: string | null): boolean {
    return event === null ? (this.wantUnnamed ??= this.want(null)) : this.want(event);
  }

  private dispatch(onEvent: (e: SseEvent) => void): void {
    const event = this.event;
    const data = this.data;
    const hasData = this.hasData;
    const wanted = this.wanted;
    const broken = this.broken;
    this.broken = false;
    this.event = null;
    this.hasData = false;
    this.wanted = undefined;
    // Most events are not wanted and never fill the list: it is replaced only when it was used.
    if (data.length) this.data = [];
    if (broken || !hasData || !(wanted ?? this.wantName(event))) return;
    onEvent({ event, data: joinLines(data) });
  }
}

function joinLines(parts: Buffer[]): string {
  if (parts.length === 1) return parts[0]!.toString('utf8');
  const joined: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i) joined.push(NEWLINE);
    joined.push(p);
  });
  return Buffer.concat(joined).toString('utf8');
}

const NEWLINE = Buffer.from('\n');
