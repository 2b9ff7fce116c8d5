import { DONE, type Stage } from '../context.ts';
import { sendError } from '../respond.ts';

/**
 * The proxy ports spend the user's upstream credentials, so no web page may call them. Claude Code,
 * Codex and the SDKs never send `Origin`; a browser always does on cross-origin and non-GET requests
 * (including a DNS-rebinding page that believes it is same-origin), and on every CORS preflight.
 */
export const browserGuard: Stage = (ctx, next) => {
  if (ctx.req.headers.origin !== undefined || ctx.req.headers['sec-fetch-site'] === 'cross-site') {
    ctx.local = true;
    ctx.req.resume();
    sendError(ctx, 403, 'origin_refused', 'the proxy port does not serve web pages (request had an Origin header)');
    return DONE;
  }
  return next();
};
