import { deflateRaw, inflateRawSync } from 'node:zlib';
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
 * A request's blob in the log's `.body` file: a 4-byte length, a JSON head (headers, flags, body
 * lengths), then the bodies. Each body has a one-byte marker: 0 raw, 1 deflate-raw; small bodies stay
 * raw, since compressing them costs more time than the bytes it saves. Compression runs on libuv's
 * thread pool, never on the event loop that relays streams.
 */
export async function encodeBlob(b: Bodies): Promise<Buffer> {
  const parts = await Promise.all([encodeBody(b.request_body), encodeBody(b.upstream_body), encodeBody(b.response_body)]);
  const head = Buffer.from(
    JSON.stringify({ qh: b.request_headers, sh: b.response_headers, qt: b.request_truncated, st: b.response_truncated, l: parts.map((p) => (p ? p.length : -1)) }),
  );
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length);
  return Buffer.concat([size, head, ...parts.filter((p): p is Buffer => p !== null)]);
}

/** What a blob gives back: the detail view's fields beyond the record. */
export type DecodedBodies = Omit<RequestDetail, keyof RequestRecord>;

export function decodeBlob(blob: Buffer): DecodedBodies {
  const headLength = blob.readUInt32LE(0);
  const head = JSON.parse(blob.subarray(4, 4 + headLength).toString('utf8')) as { qh: Record<string, string>; sh: Record<string, string>; qt: boolean; st: boolean; l: number[] };
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

const RAW = Buffer.from([0]);
const DEFLATED = Buffer.from([1]);

function encodeBody(bytes: Uint8Array | null): Buffer | null | Promise<Buffer> {
  if (!bytes || !bytes.length) return null;
  if (bytes.length < 2048) return Buffer.concat([RAW, bytes]);
  return new Promise((resolve, reject) => deflateRaw(bytes, (err, out) => (err ? reject(err) : resolve(Buffer.concat([DEFLATED, out])))));
}

function decodeBody(part: Buffer): string | null {
  if (!part.length) return null;
  const payload = part.subarray(1);
  return (part[0] === 0 ? payload : inflateRawSync(payload)).toString('utf8');
}
