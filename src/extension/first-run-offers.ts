/** The first-run decision, apart from VS Code so that it can be tested alone. */

export type Offer = 'claude' | 'codex' | 'gemini';

/** What the offers are decided from: what is installed, and whether it points at CLP already. */
export interface OfferFacts {
  claudeExtension: boolean;
  claudeExtensionAtClp: boolean;
  /** `~/.claude/settings.json` exists (the Claude Code CLI is used here). */
  claudeFile: boolean;
  claudeFileAtClp: boolean;
  /** `~/.codex` exists. */
  codexDir: boolean;
  codexAtClp: boolean;
  /** `~/.gemini` exists (Gemini CLI is used here). */
  geminiDir: boolean;
  geminiAtClp: boolean;
  /** "Don't ask again", remembered. */
  never: Readonly<Record<Offer, boolean>>;
}

/** Pure: which clients to offer to set up. */
export function offersFor(f: OfferFacts): Offer[] {
  const out: Offer[] = [];
  if (!f.never.claude && ((f.claudeExtension && !f.claudeExtensionAtClp) || (f.claudeFile && !f.claudeFileAtClp))) out.push('claude');
  if (!f.never.codex && f.codexDir && !f.codexAtClp) out.push('codex');
  if (!f.never.gemini && f.geminiDir && !f.geminiAtClp) out.push('gemini');
  return out;
}
