import type { ErrorCode } from '../../shared/errors.ts';
import { secondsText } from '../../shared/format.ts';

export interface UpstreamFailure {
  code: Extract<ErrorCode, 'upstream_unreachable' | 'upstream_timeout' | 'upstream_stalled' | 'upstream_failed'>;
  /** The HTTP status CLP answers with when nothing has been sent to the client yet. */
  status: number;
  /** A short reason for people: never a URL path, query or header value. */
  reason: string;
}

/**
 * Classifies an error thrown by undici while calling an upstream. Timeouts answer 504 and broken
 * connections 502: both are 5xx, so Claude Code and Codex retry them, as they should for a hiccup.
 */
export function classifyUpstreamError(err: unknown, timeouts: { connectMs: number; headersMs: number; streamIdleMs: number }): UpstreamFailure {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  const code = e?.code ?? e?.cause?.code ?? '';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code: 'upstream_timeout', status: 504, reason: `no connection within ${secondsText(timeouts.connectMs)}` };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { code: 'upstream_timeout', status: 504, reason: `no response within ${secondsText(timeouts.headersMs)}` };
    case 'UND_ERR_BODY_TIMEOUT':
      return { code: 'upstream_stalled', status: 504, reason: `the upstream sent nothing for ${secondsText(timeouts.streamIdleMs)}` };
    case 'ECONNREFUSED':
      return { code: 'upstream_unreachable', status: 502, reason: 'connection refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code: 'upstream_unreachable', status: 502, reason: 'host name not found' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { code: 'upstream_failed', status: 502, reason: 'the upstream closed the connection' };
    default:
      if (/certificate|ssl|tls/i.test(`${code} ${e?.message ?? ''}`)) {
        return { code: 'upstream_unreachable', status: 502, reason: `TLS failure (${code || 'certificate'})` };
      }
      return { code: 'upstream_failed', status: 502, reason: code ? `upstream error ${code}` : 'upstream error' };
  }
}
