import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { withFileLock, writeFileAtomic } from '../fs/atomic.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface WatchedState {
  ok: boolean;
  /** `file: path: message` while the file is broken; the last good value keeps serving meanwhile. */
  error: string | null;
}

/**
 * A JSON file CLP follows while running (configs, filters, routes). A broken version never replaces
 * the last good one, is reported as `file: path: message`, and is never written over; a fix is picked
 * up at once. fs.watch on the folder sees atomic renames (a watch on the file itself loses track after
 * the first one); a stat poll backs it up, so any edit applies within a second.
 */
export class WatchedFile<T> {
  readonly label: string;
  private current: T;
  private error: string | null = null;
  private lastText: string | null = null;
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private emptySince: number | null = null;

  constructor(
    readonly file: string,
    private readonly parse: (label: string, text: string) => Parsed<T>,
    empty: T,
    private readonly onChange?: (value: T, state: WatchedState) => void,
    private readonly pollMs = 500,
  ) {
    this.label = basename(file);
    this.current = empty;
  }

  value(): T {
    return this.current;
  }

  /** The text of the version in force, when one was read from the file (null before, or never). */
  goodText(): string | null {
    return this.lastText;
  }

  /**
   * What to serve while the file is broken and no good version of it was read yet (a fresh process
   * on a broken file): the last good version kept elsewhere. Ignored once the file was read good.
   */
  fallback(value: T): void {
    if (this.lastText === null) this.current = value;
  }

  state(): WatchedState {
    return { ok: this.error === null, error: this.error };
  }

  /** Reads the file now. Concurrent calls coalesce; a change seen during a read triggers one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          await this.readOnce();
        } while (this.reloadAgain);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  private async readOnce(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return this.setError(`${this.label}: ${(err as Error).message}`);
      // a missing file reads as empty
    }
    // An editor that saves by truncating and rewriting shows an empty file for a moment: an empty
    // file replaces a non-empty one only when it is still empty a little later.
    if (text.trim() === '' && this.lastText?.trim()) {
      const now = Date.now();
      if (this.emptySince === null || now - this.emptySince < 200) {
        this.emptySince ??= now;
        setTimeout(() => void this.reload(), 250).unref();
        return;
      }
    }
    this.emptySince = null;
    if (text === this.lastText && this.error === null) return;
    const parsed = this.parse(this.label, text);
    if (!parsed.ok) return this.setError(parsed.error);
    const first = this.lastText === null;
    const changed = text !== this.lastText || this.error !== null;
    this.lastText = text;
    this.error = null;
    this.current = parsed.value;
    if (changed && !(first && text === '')) this.onChange?.(this.current, this.state());
  }

  private setError(error: string): void {
    if (error === this.error) return;
    this.error = error;
    this.onChange?.(this.current, this.state());
  }

  /**
   * Writes the file (under its lock, atomically) and reads it back, so what is in force is what was
   * written. The one way CLP itself changes a file it follows.
   */
  async save(text: string): Promise<void> {
    await withFileLock(this.file, () => writeFileAtomic(this.file, text));
    await this.reload();
  }

  watch(): void {
    if (this.watcher || this.poller) return;
    const name = basename(this.file);
    try {
      this.watcher = watch(dirname(this.file), (_event, filename) => {
        if (!filename || filename.toString() === name) void this.reload();
      });
      this.watcher.on('error', () => undefined);
      this.watcher.unref();
    } catch {
      this.watcher = null; // the poll still works
    }
    let last = '';
    this.poller = setInterval(() => {
      stat(this.file)
        .then(
          (s) => `${s.mtimeMs}:${s.size}:${s.ino}`,
          () => 'missing',
        )
        .then((sig) => {
          if (sig !== last) {
            last = sig;
            void this.reload();
          }
        });
    }, this.pollMs);
    this.poller.unref();
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }
}
