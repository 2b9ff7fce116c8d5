/** A Claude config's model that is not a Claude model, with its context window when CLP knows it. */
export interface ForeignModel {
  config: string;
  model: string;
  window: number | null;
}

const n = (x: number) => x.toLocaleString('en-US');

/** Pure: what `foreign` means for Claude Code, which assumes a 200K window for any model it does not know. */
export function windowProblem(f: ForeignModel): string {
  return `"${f.config}" serves ${f.model}${f.window ? `, with a ${n(f.window)}-token window` : ''}: Claude Code assumes 200K for models it does not know`;
}

/** Pure: the client-side settings that make Claude Code compact in time on `foreign`'s model. */
export function windowFix(f: ForeignModel): string {
  return f.window
    ? `Set CLAUDE_CODE_AUTO_COMPACT_WINDOW=${f.window} (and CLAUDE_CODE_MAX_CONTEXT_TOKENS=${f.window}) in the env of ~/.claude/settings.json so Claude Code compacts before the model's window fills.`
    : `Give the config a "context_window" (tokens), then set CLAUDE_CODE_AUTO_COMPACT_WINDOW to it so Claude Code compacts in time.`;
}

/**
 * Pure: the lines "Set Up Claude Code" adds under its changes, one per config and model, the
 * smallest window first. The setup writes neither variable: they hold for every session, and a
 * config with Claude models beside would then compact far too early.
 */
export function windowAdvice(foreign: readonly ForeignModel[]): string[] {
  if (!foreign.length) return [];
  const sorted = [...foreign].sort((a, b) => (a.window ?? Number.MAX_SAFE_INTEGER) - (b.window ?? Number.MAX_SAFE_INTEGER));
  const known = sorted.filter((f) => f.window !== null);
  return [
    'Context windows (not changed by this setup: Claude Code assumes 200K for models it does not know):',
    ...sorted.map((f) => `  ${f.config}: ${f.model}, ${f.window ? `${n(f.window)} tokens` : 'window unknown (give the config a "context_window")'}`),
    ...(known.length
      ? [
          `  When you work on ${known[0]!.config}, set CLAUDE_CODE_AUTO_COMPACT_WINDOW=${known[0]!.window} and CLAUDE_CODE_MAX_CONTEXT_TOKENS=${known[0]!.window} in Claude Code's env so it compacts before the window fills; unset them for Claude models.`,
        ]
      : []),
  ];
}
