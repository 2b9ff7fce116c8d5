import type { DialectWriter } from '../dialect-writer.ts';

/** The `google.rpc.Code` name the Gemini API gives each HTTP status. */
export function geminiStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 408:
    case 504:
      return 'DEADLINE_EXCEEDED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 501:
      return 'UNIMPLEMENTED';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

const body = (status: number, code: string, message: string) =>
  JSON.stringify({
    error: {
      code: status,
      message: `CLP: ${message}`,
      status: geminiStatus(status),
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: code.toUpperCase(), domain: 'clp' }],
    },
  });

/**
 * The Gemini API's error shape (`{"error": {code, message, status}}`). Mid-stream, the Google GenAI
 * SDK that Gemini CLI runs on sees an error only when a chunk it reads is that JSON alone, not an
 * SSE event: so it is written bare, as a 503, which Gemini CLI retries.
 */
export const geminiDialect: DialectWriter = {
  errorBody: (status, code, message) => body(status, code, message),
  streamError: (code, message) => `${body(503, code, message)}\n`,
};
