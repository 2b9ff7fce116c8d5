import type { ServiceName } from '../../shared/services.ts';

type Obj = Record<string, unknown>;

const THINKING = new Set(['thinking', 'redacted_thinking']);

/**
 * Removes thinking blocks (and their signatures) from earlier assistant turns. They were signed by
 * another upstream, which would answer 400 "Invalid `signature` in `thinking` block"; a signature is
 * never forged. When the last assistant turn loses a leading thinking block while thinking is on, the
 * API would insist on one, so thinking is switched off for this one request.
 */
function stripAnthropic(body: Obj): number {
  const messages = Array.isArray(body.messages) ? (body.messages as Obj[]) : [];
  let removed = 0;
  let lastAssistantLostLead = false;
  messages.forEach((m, i) => {
    if (m.role !== 'assistant' || !Array.isArray(m.content)) return;
    const content = m.content as Obj[];
    const kept = content.filter((b) => !(b && typeof b.type === 'string' && THINKING.has(b.type)));
    if (kept.length === content.length) return;
    removed += content.length - kept.length;
    const isLastAssistant = !messages.slice(i + 1).some((n) => n.role === 'assistant');
    if (isLastAssistant) lastAssistantLostLead = THINKING.has(String(content[0]?.type));
    m.content = kept.length ? kept : [{ type: 'text', text: '(thinking omitted)' }];
  });
  if (removed && lastAssistantLostLead && body.thinking && (body.thinking as Obj).type !== 'disabled') delete body.thinking;
  return removed;
}

/** Drops Codex `reasoning` items: their `encrypted_content` only decrypts at the upstream that made it. */
function stripResponses(body: Obj): number {
  if (!Array.isArray(body.input)) return 0;
  const input = body.input as Obj[];
  const kept = input.filter((item) => !(item && item.type === 'reasoning'));
  body.input = kept;
  return input.length - kept.length;
}

/** Cheap check on the raw bytes: is there anything a strip could remove? */
export function mayCarrySignedHistory(raw: Buffer, service: ServiceName): boolean {
  return service === 'claude' ? raw.includes('"thinking"') || raw.includes('"redacted_thinking"') : raw.includes('"reasoning"');
}

/** The body without history another upstream cannot verify, or null when there was none. */
export function stripSignedHistory(raw: Buffer, service: ServiceName): { body: Buffer; removed: number } | null {
  if (!mayCarrySignedHistory(raw, service)) return null;
  let body: Obj;
  try {
    body = JSON.parse(raw.toString('utf8')) as Obj;
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const removed = service === 'claude' ? stripAnthropic(body) : stripResponses(body);
  return removed ? { body: Buffer.from(JSON.stringify(body)), removed } : null;
}

/** The upstream's 400 for history it cannot verify (its wording, which Claude Code itself matches). */
export function isSignedHistoryError(service: ServiceName, status: number, text: string): boolean {
  if (status !== 400) return false;
  return service === 'claude'
    ? /signature|thinking block|thinking\.|redacted_thinking|bound to a different/i.test(text)
    : /invalid_encrypted_content|encrypted content[^"]*could not be verified/i.test(text);
}
