type Obj = Record<string, unknown>;

/**
 * The value Gemini documents for a part whose thought signature is not at hand (history made
 * elsewhere): it skips the check instead of failing the request.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

export function mayCarrySignature(raw: Buffer): boolean {
  return raw.includes('"thoughtSignature"');
}

/**
 * Gemini 3 signs its thoughts and function calls (`thoughtSignature` on a part), and only the
 * upstream that signed them verifies them: when a conversation moves, each is replaced by the skip
 * value (a function call of the current turn without any signature is a 400). Returns how many.
 */
export function replaceSignatures(body: Obj): number {
  let n = 0;
  for (const content of Array.isArray(body.contents) ? body.contents : []) {
    const parts = (content as Obj | null)?.parts;
    for (const part of Array.isArray(parts) ? parts : []) {
      const p = part as Obj | null;
      if (p && typeof p.thoughtSignature === 'string' && p.thoughtSignature !== SKIP_SIGNATURE) {
        p.thoughtSignature = SKIP_SIGNATURE;
        n++;
      }
    }
  }
  return n;
}

/** The API's 400 for a signature it cannot verify. */
export function isSignatureRejection(status: number, text: string): boolean {
  return status === 400 && /thought[_ ]?signature/i.test(text);
}
