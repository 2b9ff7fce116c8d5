import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { RequestDetail, RequestRecord } from '../../shared/records.ts';

/** What a request keeps besides its record: credential-free headers and capped bodies. */
export interface Bodies {
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
  request_body: Uint8Array | null;
  request_truncated: boolean;
  upstream_body: Uint8Array | null;
  response_body: Uint8Array | null;
  response_truncated: boolean;
}

/**
 * How much a batch may compress on the event loop. A thread-pool deflate costs more than the deflate
 * itself on a small body: pinned to one core, a 7.5 KB stream answer took ~80 us compressed in place
 * against ~170 us on the pool one at a time and ~390 us each when a batch's ran at once. Bodies up to
 * `SYNC_BODY_BYTES` are compressed in place until the batch's budget is spent (a few ms at most);
 * larger ones, and the rest, go to the pool one after another.
 */
export class CompressBudget {
  constructor(public bytes = 256 * 1024) {}
}
const SYNC_BODY_BYTES = 32 * 1024;

/**
 * A request's blob in the log's `.body` file: a 4-byte length, a JSON head (headers, flags, body
 * lengths), then the bodies. Each body has a one-byte marker: 0 raw, 1 deflate-raw; small bodies stay
 * raw, since compressing them costs more time than the bytes it saves. The blob, or a function that
 * compresses its larger bodies on libuv's thread pool when called.
 */
export function encodeBlob(b: Bodies, budget: CompressBudget): Buffer | (() => Promise<Buffer>) {
  const parts = [encodeBody(b.request_body, budget), encodeBody(b.upstream_body, budget), encodeBody(b.response_body, budget)];
  if (parts.some((p) => typeof p === 'function')) {
    return async () => {
      const done: Array<Part | null> = [];
      for (const p of parts) done.push(typeof p === 'function' ? await p() : p);
      return assemble(b, done);
    };
  }
  return assemble(b, parts as Array<Part | null>);
}

/** A body as stored: its marker byte and its (maybe compressed) bytes. */
interface Part {
  marker: number;
  bytes: Uint8Array;
}

function assemble(b: Bodies, parts: Array<Part | null>): Buffer {
  const head = JSON.stringify({
    qh: b.request_headers,
    sh: b.response_headers,
    qt: b.request_truncated,
    st: b.response_truncated,
    l: parts.map((p) => (p ? p.bytes.length + 1 : -1)),
  });
  const headLength = Buffer.byteLength(head);
  let size = 4 + headLength;
  for (const p of parts) if (p) size += 1 + p.bytes.length;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32LE(headLength, 0);
  let at = 4 + out.write(head, 4);
  for (const p of parts) {
    if (!p) continue;
    out[at++] = p.marker;
    out.set(p.bytes, at);
    at += p.bytes.length;
  }
  return out;
}

/** What a blob gives back: the detail view's fields beyond the record. */
export type DecodedBodies = Omit<RequestDetail, keyof RequestRecord>;

export function decodeBlob(blob: Buffer): DecodedBodies {
  const headLength = blob.readUInt32LE(0);
  const head = JSON.parse(blob.subarray(4, 4 + headLength).toString('utf8')) as {
    qh: Record<string, string>;
    sh: Record<string, string>;
    qt: boolean;
    st: boolean;
    l: number[];
  };
  let at = 4 + headLength;
  const bodies = head.l.map((n) => {
    if (n < 0) return null;
    const part = blob.subarray(at, at + n);
    at += n;
    return decodeBody(part);
  });
  return {
    request_headers: head.qh,
    response_headers: head.sh,
    request_body: bodies[0] ?? null,
    request_body_truncated: head.qt,
    upstream_body: bodies[1] ?? null,
    response_body: bodies[2] ?? null,
    response_body_truncated: head.st,
  };
}

function encodeBody(bytes: Uint8Array | null, budget: CompressBudget): Part | null | (() => Promise<Part>) {
  if (!bytes?.length) return null;
  if (bytes.length < 2048) return { marker: 0, bytes };
  // Level 1: several times faster than the default on a conversation's JSON, for output not much
  // larger (README's bench section has the figures).
  if (bytes.length <= SYNC_BODY_BYTES && budget.bytes >= bytes.length) {
    budget.bytes -= bytes.length;
    return { marker: 1, bytes: deflateRawSync(bytes, { level: 1 }) };
  }
  return () => new Promise((resolve, reject) => deflateRaw(bytes, { level: 1 }, (err, out) => (err ? reject(err) : resolve({ marker: 1, bytes: out }))));
}

function decodeBody(part: Buffer): string | null {
  if (!part.length) return null;
  const payload = part.subarray(1);
  return (part[0] === 0 ? payload : inflateRawSync(payload)).toString('utf8');
}
