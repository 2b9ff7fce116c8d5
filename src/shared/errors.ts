/**
 * Stable error codes. Every error CLP makes carries one, is matched by it, and crosses each boundary
 * (HTTP, webview, CLI) as `{ code, message }`. Toward Claude Code and Codex the same code travels inside
 * the client's own API dialect.
 */
export type ErrorCode =
  | 'no_config' // placeholder mode: the service has no usable config yet
  | 'config_not_found' // a named config does not exist
  | 'config_invalid' // a config or settings file failed to parse or validate
  | 'no_upstream' // every config of the pool is unavailable (each one says why)
  | 'context_overflow' // a move would send a session to a model whose window is smaller than what it uses
  | 'filter_failed' // a filter module threw, returned no body or passed its time budget: the request was not sent
  | 'upstream_unreachable' // connect refused, DNS failure, TLS failure, reset before the response
  | 'upstream_timeout' // connect or response-header timeout
  | 'upstream_stalled' // the upstream went silent inside a response body
  | 'upstream_failed' // the upstream broke the response body mid-way
  | 'client_aborted' // the client went away before the response was complete
  | 'body_too_large' // the client's request body is over the limit
  | 'origin_refused' // a browser from another origin, or a foreign Host
  | 'unauthorized' // a dashboard call without the owner's token, or a proxy call without the client secret
  | 'owner_unverified' // the program on the dashboard port could not prove it holds the token
  | 'owned_elsewhere' // the ports are owned by a VS Code window, which only that window may stop
  | 'overloaded' // CLP holds as many request bodies in memory as its budget allows
  | 'request_timeout' // the client did not send its request headers in time
  | 'port_in_use' // a listener could not bind
  | 'already_running' // a second owner was asked to start
  | 'not_running' // the owner the command needs is not there
  | 'log_disabled' // the request log is switched off in settings
  | 'listen_failed' // a listener could not bind for another reason than a port in use
  | 'bad_request' // malformed input at an edge (CLI args, API parameters)
  | 'not_found' // no such route or item
  | 'internal'; // a bug: never expected

export interface ErrorShape {
  code: ErrorCode;
  message: string;
}

export class ClpError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClpError';
    this.code = code;
  }

  /** Matches by code, not by class: an error that crossed a boundary is a plain `{ code, message }`. */
  static is(value: unknown, code?: ErrorCode): value is ClpError {
    const c = (value as { code?: unknown } | null)?.code;
    return typeof c === 'string' && typeof (value as { message?: unknown }).message === 'string' && (code === undefined || c === code);
  }

  toJSON(): ErrorShape {
    return { code: this.code, message: this.message };
  }
}

/**
 * Any thrown value as `{ code, message }`: a CLP error keeps its code (matched by shape, so one that
 * crossed a boundary counts too); anything else is `internal`.
 */
export function toErrorShape(err: unknown): ErrorShape {
  if (ClpError.is(err)) return { code: err.code, message: err.message };
  return { code: 'internal', message: (err as Error | null)?.message ?? String(err) };
}
