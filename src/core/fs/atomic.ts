import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isProcessAlive } from '../process.ts';

/** Creates a folder that may hold secrets: 0700, and tightened if it already exists looser. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    const s = await stat(dir);
    if ((s.mode & 0o077) !== 0) await chmod(dir, 0o700).catch(() => undefined);
  }
}

/**
 * Writes a file so that a reader only ever sees the old or the new content: the data goes to a temp
 * file beside the target (same filesystem, so rename is atomic), is flushed to disk, then renamed over.
 * A crash half-way leaves at most a stray `.tmp` file, never a half-written config.
 */
export async function writeFileAtomic(linkOrPath: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const path = await linkTarget(linkOrPath);
  const dir = dirname(path);
  // The folder a link points into is the user's own (a dotfiles repository): it is not re-permissioned.
  if (path === linkOrPath) await ensurePrivateDir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (process.platform !== 'win32') {
    await chmod(path, mode).catch(() => undefined);
    await syncDir(dir);
  }
}

/**
 * Where a write to `path` must land: a config file that is a symlink (dotfiles kept in a repository)
 * stays one, so the file it points to is written, not the link replaced. Followed a few hops; a
 * longer chain is refused.
 */
async function linkTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 8; hops++) {
    const s = await lstat(current).catch(() => null);
    if (!s?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new Error(`${path}: too many symbolic links; point it at the file directly`);
}

/** Flushes a folder's entries (the rename above) to disk; not every platform can open a folder. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some filesystems refuse fsync on a folder: the rename itself is still atomic
  } finally {
    await handle.close();
  }
}

export interface LockOptions {
  /** How long to keep trying before giving up. */
  waitMs?: number;
  /** A lock older than this is taken to be left by a crashed writer. */
  staleMs?: number;
}

/**
 * Runs `fn` while holding `<path>.lock`, an exclusively created file. This is what lets the CLI and a
 * running daemon (or a VS Code window) read-modify-write one config file at the same moment without
 * losing either update. The lock records its pid; a lock whose process is gone, or that is older than
 * `staleMs`, is broken.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = `${path}.lock`;
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  await ensurePrivateDir(dirname(path));
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStaleLock(lock, staleMs)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock}: still locked after ${waitMs} ms`);
      await sleep(Math.min(50, 2 + attempt * 3));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

async function isStaleLock(lock: string, staleMs: number): Promise<boolean> {
  try {
    const s = await stat(lock);
    if (Date.now() - s.mtimeMs > staleMs) return true;
    const pid = Number((await readFile(lock, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid);
  } catch {
    return false; // it vanished between our attempts: just try again
  }
}

/**
 * Writes `path` only if it does not exist yet (first run, a one-off import), checked again under the
 * lock so two processes starting together never both write. Returns whether it wrote.
 */
export async function writeFileIfMissing(path: string, data: string): Promise<boolean> {
  const exists = () =>
    stat(path).then(
      () => true,
      () => false,
    );
  if (await exists()) return false;
  return withFileLock(path, async () => {
    if (await exists()) return false;
    await writeFileAtomic(path, data);
    return true;
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
