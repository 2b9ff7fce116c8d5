type Obj = Record<string, unknown>;

const THINKING = new Set(['thinking', 'redacted_thinking']);

/**
 * Removes thinking blocks (and their signatures) from earlier assistant turns. They were signed by
 * another upstream, which would answer 400 "Invalid `signature` in `thinking` block"; a signature is
 * never forged. When the last assistant turn loses a leading thinking block while thinking is on, the
 * API would insist on one, so thinking is switched off for this one request.
 */
export function stripThinking(body: Obj): number {
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

export const mayCarryThinking = (raw: Buffer) => raw.includes('"thinking"') || raw.includes('"redacted_thinking"');

/** Anthropic's 400 for a thinking block it did not sign (Claude Code matches the same wording). */
export const isThinkingRejection = (status: number, text: string) =>
  status === 400 && /signature|thinking block|thinking\.|redacted_thinking|bound to a different/i.test(text);
