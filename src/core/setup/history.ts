import { readFile, rm } from 'node:fs/promises';
import { ClpError } from '../../shared/errors.ts';
import { withFileLock, writeFileAtomic } from '../fs/atomic.ts';

/** One change the setup made, with what was there before: enough to undo it. */
export interface SetupChange {
  at: string;
  what: string;
  target: { kind: 'file'; path: string } | { kind: 'setting'; key: string };
  /** The file's text, or the setting's JSON, before the change; null when there was none. */
  before: string | null;
}

async function readHistory(file: string): Promise<SetupChange[]> {
  const text = await readFile(file, 'utf8').catch(() => '[]');
  try {
    const list = JSON.parse(text) as SetupChange[];
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/**
 * Writes a client's config file and keeps the old text twice: as `<file>.clp-backup` beside it (for
 * the user) and in the setup history (for "undo"). The write is atomic.
 */
export async function writeWithBackup(historyFile: string, path: string, next: string, what: string, now: Date): Promise<void> {
  const before = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (before !== null) await writeFileAtomic(`${path}.clp-backup`, before);
  await writeFileAtomic(path, next, 0o600);
  await recordChange(historyFile, { at: now.toISOString(), what, target: { kind: 'file', path }, before });
}

export async function recordChange(historyFile: string, change: SetupChange): Promise<void> {
  await withFileLock(historyFile, async () => {
    const list = await readHistory(historyFile);
    list.push(change);
    await writeFileAtomic(historyFile, `${JSON.stringify(list.slice(-50), null, 2)}\n`);
  });
}

/**
 * Undoes the newest change: a file gets its old text back (or is removed when CLP created it); a
 * setting's old value is handed to `restoreSetting`. Returns what was undone.
 */
export async function undoLast(historyFile: string, restoreSetting: (key: string, value: unknown) => Promise<void>): Promise<SetupChange> {
  return withFileLock(historyFile, async () => {
    const list = await readHistory(historyFile);
    const change = list.pop();
    if (!change) throw new ClpError('not_found', 'no setup change to undo');
    if (change.target.kind === 'file') {
      if (change.before === null) await rm(change.target.path, { force: true });
      else await writeFileAtomic(change.target.path, change.before);
    } else {
      await restoreSetting(change.target.key, change.before === null ? undefined : JSON.parse(change.before));
    }
    await writeFileAtomic(historyFile, `${JSON.stringify(list, null, 2)}\n`);
    return change;
  });
}
