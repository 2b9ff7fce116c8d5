import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from 'node:zlib';
import type { Usage } from '../../shared/usage.ts';
import { SseDecoder } from './sse-decoder.ts';
import { findUsageInText, StreamUsage, usefulEvent, usageFromJsonBytes } from './stream-usage.ts';

export interface TapResult {
  usage: Usage | null;
  /** The model the upstream says answered (message.model, response.model). */
  model: string | null;
  streamError: string | null;
  /** Whether the stream said it was complete (false for a cut or failed stream). */
  completed: boolean;
  /** The first bytes of the decoded body, for the detail view. */
  readonly body: Buffer;
  truncated: boolean;
  /** Set when the body could not be decoded (an encoding Node cannot read). */
  undecodable: string | null;
}

export interface TapOptions {
  /** How much of the decoded body to keep for the request log. */
  captureBytes: number;
  /** Non-streaming JSON bodies up to this size are parsed whole; past it, only their tail is searched. */
  maxJsonBytes?: number;
}

const TAIL_BYTES = 1024 * 1024;

/**
 * Watches a response body as it is relayed, without changing or delaying it: decodes a copy when the
 * upstream compressed it, parses usage incrementally (SSE) or at the end (JSON), and keeps the first
 * bytes for the log. Nothing here can throw into the relay.
 */
export class ResponseTap {
  private readonly sse: SseDecoder | null;
  private readonly stream = new StreamUsage();
  private readonly decompressor: Gunzip | null;
  private undecodable: string | null = null;
  private captured: Buffer[] = [];
  private capturedBytes = 0;
  private truncated = false;
  private json: Buffer[] = [];
  private jsonBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private jsonOverflow = false;
  private readonly drained: Promise<void>;

  constructor(
    headers: Record<string, string | string[] | undefined>,
    private readonly options: TapOptions,
  ) {
    const type = String(headers['content-type'] ?? '').toLowerCase();
    this.sse = type.includes('text/event-stream') ? new SseDecoder(usefulEvent) : null;
    const encoding = String(headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    this.decompressor = null;
    if (encoding === 'gzip' || encoding === 'x-gzip') this.decompressor = createGunzip();
    else if (encoding === 'deflate') this.decompressor = createInflate() as unknown as Gunzip;
    else if (encoding === 'br') this.decompressor = createBrotliDecompress() as unknown as Gunzip;
    else if (encoding && encoding !== 'identity') this.undecodable = encoding;
    if (this.decompressor) {
      const d = this.decompressor;
      d.on('data', (c: Buffer) => this.decoded(c));
      this.drained = new Promise((resolve) => {
        d.once('end', resolve);
        d.once('error', () => {
          this.undecodable = `${encoding} (corrupt)`;
          resolve();
        });
      });
    } else {
      this.drained = Promise.resolve();
    }
  }

  write(chunk: Buffer): void {
    if (this.undecodable) return this.keep(chunk);
    if (this.decompressor) this.decompressor.write(chunk);
    else this.decoded(chunk);
  }

  private decoded(chunk: Buffer): void {
    try {
      this.keep(chunk);
      if (this.sse) {
        this.sse.push(chunk, (e) => this.stream.onEvent(e));
        return;
      }
      const max = this.options.maxJsonBytes ?? 16 * 1024 * 1024;
      if (!this.jsonOverflow && this.jsonBytes + chunk.length <= max) {
        this.json.push(chunk);
        this.jsonBytes += chunk.length;
        return;
      }
      if (!this.jsonOverflow) {
        this.jsonOverflow = true;
        this.tail = this.json;
        this.tailBytes = this.jsonBytes;
        this.json = [];
      }
      this.tail.push(chunk);
      this.tailBytes += chunk.length;
      while (this.tailBytes - this.tail[0]!.length >= TAIL_BYTES) this.tailBytes -= this.tail.shift()!.length;
    } catch {
      // usage is best effort; the relay must go on
    }
  }

  private keep(chunk: Buffer): void {
    const room = this.options.captureBytes - this.capturedBytes;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    // undici hands over a fresh buffer per chunk, so keeping a view of it is safe.
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.captured.push(part);
    this.capturedBytes += part.length;
    if (part.length < chunk.length) this.truncated = true;
  }

  /** Call once the body ended (or broke); resolves after any decompression has drained. */
  finish(): Promise<TapResult> {
    return this.decompressor ? this.finishDecompressed() : Promise.resolve(this.result());
  }

  /** The result at once, when no decompression is in flight (null when one is). */
  finishNow(): TapResult | null {
    return this.decompressor ? null : this.result();
  }

  private async finishDecompressed(): Promise<TapResult> {
    this.decompressor!.end();
    await this.drained;
    return this.result();
  }

  private result(): TapResult {
    let usage: Usage | null = null;
    let model = this.stream.model;
    try {
      if (this.sse) {
        this.sse.end((e) => this.stream.onEvent(e));
        usage = this.stream.usage();
        model = this.stream.model;
      } else if (this.jsonOverflow) {
        usage = findUsageInText(Buffer.concat(this.tail).toString('utf8'));
      } else if (this.jsonBytes) {
        const parsed = usageFromJsonBytes(this.json.length === 1 ? this.json[0]! : Buffer.concat(this.json, this.jsonBytes));
        usage = parsed.usage;
        model = parsed.model;
      }
    } catch {
      usage = null;
    }
    this.json = [];
    this.tail = [];
    return new Result(
      usage,
      model,
      this.stream.streamError,
      this.sse ? this.stream.completed : true,
      this.captured,
      this.capturedBytes,
      this.truncated,
      this.undecodable,
    );
  }
}

/**
 * A tap's result. The kept bytes are joined only when somebody reads `body` (the request log, when it
 * keeps this request's bodies): past the log's rate nobody does, and the copy is never made.
 */
class Result implements TapResult {
  private joined: Buffer | null = null;

  constructor(
    readonly usage: Usage | null,
    readonly model: string | null,
    readonly streamError: string | null,
    readonly completed: boolean,
    private readonly parts: Buffer[],
    private readonly bytes: number,
    readonly truncated: boolean,
    readonly undecodable: string | null,
  ) {}

  get body(): Buffer {
    // A copy, even of one part: a part is a view of the socket's read, which it would keep alive.
    this.joined ??= Buffer.concat(this.parts, this.bytes);
    return this.joined;
  }
}
