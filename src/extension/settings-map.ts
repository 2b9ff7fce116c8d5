import type { SettingsInput, SettingsSchema } from '../core/settings.ts';
import { SERVICES } from '../shared/services.ts';

/** The editor settings CLP reads (`clp.<key>`), mapped onto the core's settings. */
export const EDITOR_KEYS: readonly string[] = ['host', ...SERVICES.map((s) => `ports.${s}`), 'ports.ui', 'log.enabled', 'log.retentionDays'];

/**
 * Pure: the `clp.*` values the user set, as core settings, checked against the same zod schema the
 * core uses. A bad value is reported as `clp.<path>: message` and left out (the default applies).
 */
export function editorSettingsInput(get: (key: string) => unknown, settingsSchema: SettingsSchema): { input: SettingsInput; errors: string[] } {
  const input: Record<string, Record<string, unknown> | unknown> = {};
  for (const key of EDITOR_KEYS) {
    const value = get(key);
    if (value === undefined || value === null) continue;
    const [head, tail] = key.split('.') as [string, string | undefined];
    if (tail) input[head] = { ...((input[head] as Record<string, unknown> | undefined) ?? {}), [tail]: value };
    else input[head] = value;
  }
  const errors: string[] = [];
  let checked = settingsSchema.safeParse(input);
  while (!checked.success) {
    const issue = checked.error.issues[0]!;
    errors.push(`clp.${issue.path.join('.')}: ${issue.message}`);
    // Drop the bad value and check the rest again.
    const [head, tail] = issue.path as [string, string | undefined];
    if (tail !== undefined) delete (input[head] as Record<string, unknown>)[tail];
    else delete input[head];
    checked = settingsSchema.safeParse(input);
  }
  return { input: input as SettingsInput, errors };
}
