/**
 * Appends the client's path and query to a config's `base_url`.
 *
 * Claude configs carry no `/v1` (Claude Code sends `/v1/messages`); Codex configs do carry it (Codex
 * with base `http://127.0.0.1:3211/v1` sends `/v1/responses`, with base `http://127.0.0.1:3211` it
 * sends `/responses`). So when the base already ends in `/v1` and the client's path starts with
 * `/v1/`, one `/v1` is dropped: both client forms reach `<base>/responses`, and a Claude base that
 * was given a `/v1` by mistake still works instead of calling `/v1/v1/messages`.
 */
const parsedBases = new Map<string, { origin: string; path: string; query: string }>();

/** A config's base URL, parsed once (the same few bases serve every request). */
function parseBase(baseUrl: string): { origin: string; path: string; query: string } {
  let hit = parsedBases.get(baseUrl);
  if (!hit) {
    const u = new URL(baseUrl);
    hit = { origin: u.origin, path: u.pathname.replace(/\/+$/, ''), query: u.search.replace(/^\?/, '') };
    if (parsedBases.size > 256) parsedBases.clear();
    parsedBases.set(baseUrl, hit);
  }
  return hit;
}

export function joinUpstreamUrl(baseUrl: string, clientPathAndQuery: string): string {
  const base = parseBase(baseUrl);
  const basePath = base.path;
  const q = clientPathAndQuery.indexOf('?');
  let path = q < 0 ? clientPathAndQuery : clientPathAndQuery.slice(0, q);
  const query = q < 0 ? '' : clientPathAndQuery.slice(q + 1);
  if (!path.startsWith('/')) path = `/${path}`;
  if (/\/v1$/i.test(basePath) && (path === '/v1' || path.startsWith('/v1/'))) path = path.slice(3) || '/';
  const joinedPath = path === '/' && basePath ? basePath : `${basePath}${path}`;
  const allQuery = base.query && query ? `${base.query}&${query}` : base.query || query;
  return `${base.origin}${joinedPath}${allQuery ? `?${allQuery}` : ''}`;
}

/** `scheme://host[:port]` of a URL: what error messages and logs may show (never the path or query). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
