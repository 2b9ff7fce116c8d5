import { timingSafeEqual } from 'node:crypto';
import { hostAllowed } from '../../net.ts';
import { SERVICE_PROFILE } from '../../../shared/service-profile.ts';
import { DONE, type RequestContext, type Stage } from '../context.ts';
import { sendError } from '../respond.ts';

export interface ClientGuardOptions {
  /** The address the port is bound to (its name is accepted as `Host` too). */
  bindHost: string;
  /** The client secret when the setting is on: then any `Host` may call, with the secret. */
  secret: () => string | null;
}

function refuse(ctx: RequestContext, status: number, code: 'origin_refused' | 'unauthorized' | 'bad_request', message: string): Promise<void> {
  ctx.local = true;
  ctx.req.resume();
  sendError(ctx, status, code, message);
  return DONE;
}

/**
 * The proxy ports spend the user's upstream credentials, so no web page may call them. Claude Code,
 * Codex and the SDKs never send `Origin` nor `Sec-Fetch-Site` (other than `none`); a browser does on
 * every cross-origin request and preflight. A DNS-rebinding page (a foreign name that now resolves
 * to 127.0.0.1) is same-origin in the browser's eyes, but it still sends its own name as `Host`.
 */
export function clientGuard(options: ClientGuardOptions): Stage {
  return (ctx, next) => {
    const h = ctx.req.headers;
    const site = h['sec-fetch-site'];
    if (h.origin !== undefined || (site !== undefined && site !== 'none')) {
      return refuse(
        ctx,
        403,
        'origin_refused',
        `the proxy port does not serve web pages (the request had ${h.origin !== undefined ? 'an Origin header' : `Sec-Fetch-Site: ${site}`})`,
      );
    }
    if (!options.secret() && !hostAllowed(h.host, options.bindHost, ctx.req.socket.localPort ?? 0)) {
      return refuse(
        ctx,
        403,
        'origin_refused',
        `the proxy port answers only to loopback names (127.0.0.1, localhost, [::1]) with its port; Host "${String(h.host ?? '').slice(0, 100)}" was refused`,
      );
    }
    return next();
  };
}

function secretMatches(secret: string, given: string | undefined): boolean {
  if (!given || given.length !== secret.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(secret));
}

/**
 * With the `clientSecret` setting on, only a client that sends CLP's secret as its key gets through
 * (Claude Code sends `ANTHROPIC_AUTH_TOKEN` as a bearer token, `ANTHROPIC_API_KEY` as `x-api-key`;
 * Codex its provider's bearer token; Gemini CLI `GEMINI_API_KEY` as `x-goog-api-key`). It runs after the local answers (health, telemetry), which
 * spend nothing.
 */
export function clientSecret(current: () => string | null): Stage {
  return (ctx, next) => {
    const secret = current();
    if (!secret) return next();
    const auth = ctx.req.headers.authorization;
    const bearer = typeof auth === 'string' && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    const apiKey = ctx.req.headers[SERVICE_PROFILE[ctx.service].apiKeyHeader];
    if (secretMatches(secret, bearer) || secretMatches(secret, typeof apiKey === 'string' ? apiKey : undefined)) return next();
    return refuse(
      ctx,
      401,
      'unauthorized',
      'CLP requires its client secret as the key (setting clientSecret): run the client setup again, or send the secret from $CLP_HOME/client-secret',
    );
  };
}

/**
 * Whether a path has a `.` or `..` segment, however it is spelled (`%2e`, `%2E`, an encoded slash or
 * a backslash between): such a path is joined to a config's `base_url` as it is, and an upstream that
 * normalises it would answer for another path than the one CLP was asked for (`/v1/../../admin`).
 */
export function hasDotSegment(path: string): boolean {
  // Nearly every path has no dot, percent sign or backslash at all: nothing to decode then.
  if (!/[.%\\]/.test(path)) return false;
  const decoded = path.replace(/%2e/gi, '.').replace(/%2f|%5c|\\/gi, '/');
  for (const segment of decoded.split('/')) if (segment === '.' || segment === '..') return true;
  return false;
}

/** Refuses a path with dot segments before it goes near an upstream. */
export const pathGuard: Stage = (ctx, next) => {
  if (!hasDotSegment(ctx.path)) return next();
  return refuse(ctx, 400, 'bad_request', 'the request path has a "." or ".." segment, which CLP does not pass to an upstream');
};
