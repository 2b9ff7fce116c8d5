import type { ErrorCode } from '../../shared/errors.ts';

/** How errors CLP makes itself are written for one API's clients. */
export interface DialectWriter {
  /** A complete JSON error body for an HTTP error status. */
  errorBody(status: number, code: ErrorCode, message: string): string;
  /** One SSE event that ends a stream that has already started, in a form the client acts on. */
  streamError(code: ErrorCode, message: string): string;
}
