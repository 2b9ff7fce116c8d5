import type { z } from 'zod';

/**
 * Turns a zod failure into the one-line `file: path: message` form users see in the CLI, `clp status`
 * and the daemon log. Only the first issue is shown: fixing it and saving shows the next.
 */
export function formatIssue(label: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${label}: invalid`;
  const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${label}: ${path}: ${issue.message}${more}`;
}

/** JSON.parse with the error turned into `file: (json): message` instead of a throw. */
export function parseJsonText(label: string, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: `${label}: (json): ${(err as Error).message}` };
  }
}
