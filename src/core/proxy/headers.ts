import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { UpstreamConfig } from '../config/schema.ts';

/**
 * Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus the ones undici refuses or
 * sets itself. `host` and `content-length` are recomputed for the upstream; `expect` makes undici throw.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

// `x-clp-config` is CLP's own (a launch's binding): it never leaves the machine.
const REQUEST_ONLY_DROP = new Set(['host', 'content-length', 'expect', 'x-clp-config']);

/**
 * The client's own credentials never leave the machine: Claude Code sends a placeholder token, and
 * Codex may send a ChatGPT access token and account id when its provider has no `env_key`. Cookies
 * are dropped for the same reason.
 */
const CLIENT_CREDENTIALS = new Set(['authorization', 'x-api-key', 'chatgpt-account-id', 'cookie']);

const NONE: ReadonlySet<string> = new Set();

/** Names that say they carry a credential: `x-goog-api-key`, `x-auth-token`, `x-amz-security-token`, `x-client-secret`… */
const CREDENTIAL_NAME = /api[-_]?key|token(?!s)|secret|passw|credential|session-key|^auth|cookie/i;
const credentialNames = new Map<string, boolean>();

/**
 * Whether a request header carries a credential of the client's: such headers never leave the
 * machine (the config's own key is what goes upstream) and are never stored. Decided once per
 * header name.
 */
export function isCredentialHeader(name: string): boolean {
  let hit = credentialNames.get(name);
  if (hit === undefined) {
    hit = CLIENT_CREDENTIALS.has(name) || name === 'proxy-authorization' || CREDENTIAL_NAME.test(name);
    if (credentialNames.size < 1000) credentialNames.set(name, hit);
  }
  return hit;
}

function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  // Nearly every request says `keep-alive` (or nothing): no header named there to drop.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const raw = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    raw
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The headers sent upstream: everything end-to-end passes, credentials are swapped for the config's
 * (its `api_key` in the API's own header, `x-api-key` or `x-goog-api-key`).
 */
export function buildUpstreamHeaders(incoming: IncomingHttpHeaders, config: UpstreamConfig, apiKeyHeader = 'x-api-key'): Record<string, string> {
  const listed = connectionListed(incoming.connection);
  const out: Record<string, string> = {};
  // for-in, not Object.entries: no array per header on the hot path.
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || REQUEST_ONLY_DROP.has(name) || isCredentialHeader(name) || listed.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (config.authToken) out.authorization = `Bearer ${config.authToken}`;
  if (config.apiKey) out[apiKeyHeader] = config.apiKey;
  return out;
}

/**
 * The upstream's response headers as sent to the client. The body is relayed byte for byte, so
 * `content-encoding` and `content-length` stay true and are kept; only hop-by-hop headers go.
 */
export function buildClientHeaders(upstream: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Whether a response body can take an injected SSE error event: an uncompressed event stream. */
export function isPlainEventStream(headers: Record<string, string | string[] | undefined>): boolean {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
  return type.includes('text/event-stream') && (encoding === '' || encoding === 'identity');
}

/**
 * A request is a stream when its body says `"stream": true` (Claude Code sends `accept:
 * application/json` even when streaming, so headers alone miss it, as the original tool did) or
 * when its headers ask for one.
 */
export function isStreamRequest(headers: IncomingHttpHeaders, bodyStream: boolean | null): boolean {
  if (bodyStream !== null) return bodyStream;
  const accept = String(headers.accept ?? '').toLowerCase();
  const helper = String(headers['x-stainless-helper-method'] ?? '').toLowerCase();
  return accept.includes('text/event-stream') || helper.includes('stream');
}
