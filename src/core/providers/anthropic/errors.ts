import type { DialectWriter } from '../dialect-writer.ts';

/** Anthropic's `error.type` per status (docs.claude.com/en/api/errors). */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 409:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/**
 * Anthropic's error shape. Mid-stream, an `event: error` frame: the SDK inside Claude Code dispatches
 * on the `event:` name and turns it into an APIError, so the turn fails visibly instead of looking
 * complete.
 */
export const anthropicDialect: DialectWriter = {
  errorBody(status, code, message) {
    return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message: `CLP: ${message} [${code}]` } });
  },
  streamError(code, message) {
    const data = JSON.stringify({ type: 'error', error: { type: 'api_error', message: `CLP: ${message} [${code}]` } });
    return `event: error\ndata: ${data}\n\n`;
  },
};
