import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import { STATUSLINE_SCRIPT, statuslineDir, statuslineScriptPath } from '../statusline/script.ts';
import { claudeSettingsObject } from './claude.ts';
import { writeWithBackup } from './history.ts';

/** A shell word: single-quoted, with embedded quotes escaped. */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command Claude Code runs for its statusline: the bash script where there is bash (Claude Code
 * runs statusline commands through a shell; on Windows, Git Bash), `clp statusline` otherwise.
 */
export function statuslineCommand(home: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'clp statusline' : `bash ${shellQuote(statuslineScriptPath(home))}`;
}

export interface StatuslinePlan {
  /** The settings file's next text. */
  next: string;
  changes: string[];
  /** The user's own statusLine command, kept and run first; null when there was none. */
  previous: string | null;
}

/**
 * Claude Code's `statusLine` pointed at CLP's line in `~/.claude/settings.json`. An existing command
 * is never replaced silently: it is kept, runs first, and its output shows next to CLP's. Pure.
 */
export function planStatusLine(text: string | null, file: string, command: string, keptPrevious: string | null): StatuslinePlan {
  const json = claudeSettingsObject(text, file);
  const current = json.statusLine as { type?: unknown; command?: unknown; padding?: unknown } | undefined;
  const theirs = typeof current?.command === 'string' && current.command.trim() ? current.command : null;
  if (theirs === command) return { next: text ?? '', changes: [], previous: keptPrevious };
  const changes = theirs
    ? [`statusLine: your command \`${theirs}\` is kept: it runs first and its output shows next to CLP's line`]
    : ["statusLine → CLP's line: the session's config (bound or active), its cost and cache hit rate, its last failover"];
  const statusLine = { ...(current ?? {}), type: 'command', command, padding: typeof current?.padding === 'number' ? current.padding : 0 };
  return { next: `${JSON.stringify({ ...json, statusLine }, null, 2)}\n`, changes, previous: theirs };
}

/** Writes the script, the kept command and the settings (with a backup and an undo entry). */
export async function applyStatusLine(
  plan: StatuslinePlan,
  o: { home: string; dataDir: string; settingsFile: string; historyFile: string; now: Date },
): Promise<void> {
  const script = statuslineScriptPath(o.home);
  await mkdir(dirname(script), { recursive: true });
  await writeFileAtomic(script, STATUSLINE_SCRIPT, 0o700);
  await chmod(script, 0o700);
  const dir = statuslineDir(o.dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (plan.previous) await writeFileAtomic(join(dir, 'previous'), `${plan.previous}\n`);
  if (!plan.changes.length) return;
  await mkdir(dirname(o.settingsFile), { recursive: true });
  await writeWithBackup(o.historyFile, o.settingsFile, plan.next, o.settingsFile, o.now);
}

/** The command kept from before CLP's statusline, if any. */
export async function keptStatusline(dataDir: string): Promise<string | null> {
  const text = await readFile(join(statuslineDir(dataDir), 'previous'), 'utf8').catch(() => null);
  return text?.trim() || null;
}
