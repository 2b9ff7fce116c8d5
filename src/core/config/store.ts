import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ClpError } from '../../shared/errors.ts';
import type { ConfigFileState } from '../../shared/status.ts';
import { withFileLock, writeFileAtomic } from '../fs/atomic.ts';
import { pickActive } from './active.ts';
import { parseConfigText, parseConfigValue, type RawConfigFile, type UpstreamConfig } from './schema.ts';

/** An immutable view of one service's configs. A request keeps the one it started with. */
export interface ConfigSnapshot {
  readonly entries: readonly UpstreamConfig[];
  readonly active: UpstreamConfig | null;
  get(name: string): UpstreamConfig | undefined;
}

export type ConfigChange = { snapshot: ConfigSnapshot; state: ConfigFileState };

export interface ConfigStoreOptions {
  /** Called on every state change (new good version, or a new error). */
  onChange?: (change: ConfigChange) => void;
  /** How often to stat the file as a fallback to fs.watch, which misses events on some filesystems. */
  pollMs?: number;
}

function snapshotOf(entries: UpstreamConfig[]): ConfigSnapshot {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return { entries, active: pickActive(entries), get: (name) => byName.get(name) };
}

const EMPTY = snapshotOf([]);

/**
 * One config file (`claude.json` or `codex.json`), kept loaded and hot-reloaded. A file that fails to
 * parse or validate is never overwritten and never replaces what is served: the last good version
 * keeps serving, `state().error` says `file: path: message`, and the file is picked up again as soon
 * as it is fixed.
 */
export class ConfigStore {
  readonly file: string;
  readonly label: string;
  private snapshotValue: ConfigSnapshot = EMPTY;
  private error: string | null = null;
  private lastSignature = '';
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;

  constructor(file: string, private readonly options: ConfigStoreOptions = {}) {
    this.file = file;
    this.label = basename(file);
  }

  snapshot(): ConfigSnapshot {
    return this.snapshotValue;
  }

  state(): ConfigFileState {
    return { file: this.file, ok: this.error === null, error: this.error, configs: this.snapshotValue.entries.length };
  }

  /** Creates the file as `{}` when it does not exist (first run), never touching an existing one. */
  async ensureExists(): Promise<void> {
    try {
      await stat(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await withFileLock(this.file, async () => {
        try {
          await stat(this.file);
        } catch {
          await writeFileAtomic(this.file, '{}\n');
        }
      });
    }
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
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.setError(`${this.label}: ${(err as Error).message}`);
        return;
      }
      text = ''; // a missing file means "no configs yet": placeholder mode
    }
    if (text === this.lastSignature && this.error === null && this.snapshotValue !== EMPTY) return;
    const parsed = parseConfigText(this.label, text);
    if (!parsed.ok) {
      this.setError(parsed.error);
      return;
    }
    const changed = text !== this.lastSignature || this.error !== null;
    this.lastSignature = text;
    this.error = null;
    this.snapshotValue = snapshotOf(parsed.entries);
    if (changed) this.emit();
  }

  private setError(error: string): void {
    if (error === this.error) return;
    this.error = error;
    this.emit();
  }

  private emit(): void {
    this.options.onChange?.({ snapshot: this.snapshotValue, state: this.state() });
  }

  /**
   * Starts following the file. fs.watch on the folder sees atomic renames (a watch on the file itself
   * loses track after the first rename); a stat poll backs it up, so any edit applies within a second.
   */
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
      this.watcher = null; // the poll below still works
    }
    let lastStat = '';
    this.poller = setInterval(() => {
      stat(this.file).then(
        (s) => `${s.mtimeMs}:${s.size}:${s.ino}`,
        () => 'missing',
      ).then((sig) => {
        if (sig !== lastStat) {
          lastStat = sig;
          void this.reload();
        }
      });
    }, this.options.pollMs ?? 500);
    this.poller.unref();
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  /**
   * Read-modify-write under the file lock, so that the CLI, a daemon and a VS Code window writing at
   * the same moment lose no update. Refuses (and leaves the file alone) when the file on disk is broken
   * or the result would not validate.
   */
  async update(mutate: (raw: RawConfigFile) => RawConfigFile): Promise<ConfigSnapshot> {
    await withFileLock(this.file, async () => {
      let text = '';
      try {
        text = await readFile(this.file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const current = parseConfigText(this.label, text);
      if (!current.ok) {
        throw new ClpError('config_invalid', `${current.error} (fix the file first; CLP will not overwrite it)`);
      }
      const next = mutate(current.raw);
      const checked = parseConfigValue(this.label, next);
      if (!checked.ok) throw new ClpError('config_invalid', checked.error);
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    });
    await this.reload();
    return this.snapshotValue;
  }
}
