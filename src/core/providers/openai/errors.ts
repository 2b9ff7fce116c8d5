import { randomUUID } from 'node:crypto';
import type { DialectWriter } from '../dialect-writer.ts';

export function openaiErrorType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/**
 * OpenAI's error shape. Mid-stream, a `response.failed` event: Codex ignores a top-level `error`
 * event, but treats `response.failed` with a generic code as retryable and re-issues the turn.
 */
export const openaiDialect: DialectWriter = {
  errorBody(status, code, message) {
    return JSON.stringify({ error: { message: `CLP: ${message}`, type: openaiErrorType(status), param: null, code } });
  },
  streamError(code, message) {
    const data = JSON.stringify({
      type: 'response.failed',
      response: {
        id: `resp_clp_${randomUUID().replace(/-/g, '')}`,
        object: 'response',
        status: 'failed',
        error: { code: 'server_error', message: `CLP: ${message} [${code}]` },
        usage: null,
      },
    });
    return `event: response.failed\ndata: ${data}\n\n`;
  },
};
