import type { IncomingHttpHeaders } from 'node:http';
import type { BodyFacts } from '../body/body-scan.ts';

/**
 * The client's conversation id, used to group requests and (later) to keep a session on one upstream.
 * Preference, as other gateways settled on: Claude Code's `x-claude-code-session-id` header (2.1.86+),
 * then `metadata.user_id` (a JSON string `{"session_id": …}` since 2.1.78, or the legacy
 * `user_<hash>_account_<uuid>_session_<uuid>`), then Codex's `session_id` header, then its
 * `prompt_cache_key` body field.
 */
export function sessionIdOf(headers: IncomingHttpHeaders, facts: BodyFacts | null): string | null {
  const header = headers['x-claude-code-session-id'];
  if (typeof header === 'string' && header) return header;
  const userId = facts?.userId;
  if (userId) {
    if (userId.startsWith('{')) {
      try {
        const parsed = JSON.parse(userId) as { session_id?: unknown };
        if (typeof parsed.session_id === 'string' && parsed.session_id) return parsed.session_id;
      } catch {
        // not JSON after all: fall through to the legacy form
      }
    }
    const legacy = /_session_([0-9a-f-]{8,})$/i.exec(userId);
    return legacy ? legacy[1]! : userId;
  }
  const codex = headers.session_id ?? headers['x-session-id'];
  if (typeof codex === 'string' && codex) return codex;
  return facts?.promptCacheKey ?? null;
}

/** The header `clp run --config` sets on every request of the client it starts: the config(s) it is bound to. */
export const BIND_HEADER = 'x-clp-config';

/**
 * The configs a request is bound to by its launch (`clp run --config a[,b]`), percent-decoded (header
 * values are Latin-1, names may be Chinese): null when it is not bound.
 */
export function boundConfigsOf(headers: IncomingHttpHeaders): string[] | null {
  const raw = headers[BIND_HEADER];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (!value) return null;
  const names = value
    .split(',')
    .map((s) => {
      try {
        return decodeURIComponent(s.trim());
      } catch {
        return s.trim();
      }
    })
    .filter(Boolean);
  return names.length ? names : null;
}
