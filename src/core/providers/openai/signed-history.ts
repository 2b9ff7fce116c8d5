type Obj = Record<string, unknown>;

/** Drops Codex `reasoning` items: their `encrypted_content` only decrypts at the upstream that made it. */
export function stripReasoning(body: Obj): number {
  if (!Array.isArray(body.input)) return 0;
  const input = body.input as Obj[];
  const kept = input.filter((item) => !(item && item.type === 'reasoning'));
  body.input = kept;
  return input.length - kept.length;
}

export const mayCarryReasoning = (raw: Buffer) => raw.includes('"reasoning"');

/** The Responses API's 400 for encrypted reasoning another upstream made. */
export const isReasoningRejection = (status: number, text: string) =>
  status === 400 && /invalid_encrypted_content|encrypted content[^"]*could not be verified/i.test(text);
