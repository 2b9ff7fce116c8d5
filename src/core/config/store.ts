import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ClpError } from '../../shared/errors.ts';
import type { ConfigFileState } from '../../shared/status.ts';
import { withFileLock, writeFileAtomic, writeFileIfMissing } from '../fs/atomic.ts';
import { pickActive } from './active.ts';
import { WatchedFile } from './watched-file.ts';
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
  /**
   * Where the last version that loaded is kept (in the private data folder): a CLP started, or
   * restarted, on a broken file serves it instead of nothing.
   */
  lastGoodFile?: string;
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
  private readonly watched: WatchedFile<ConfigSnapshot>;

  constructor(file: string, options: ConfigStoreOptions = {}) {
    this.file = file;
    this.watched = new WatchedFile<ConfigSnapshot>(
      file,
      (label, text) => {
        const parsed = parseConfigText(label, text);
        return parsed.ok ? { ok: true, value: snapshotOf(parsed.entries) } : parsed;
      },
      EMPTY,
      () => {
        void this.keepGood();
        options.onChange?.({ snapshot: this.snapshot(), state: this.state() });
      },
      options.pollMs,
    );
    this.label = this.watched.label;
    this.lastGoodFile = options.lastGoodFile ?? null;
  }

  private readonly lastGoodFile: string | null;
  private keptText: string | null = null;
  /** Set while what serves came from the last good copy (the file was broken from the start). */
  private fromLastGood = false;

  /** Copies a version that loaded to the last-good file (best effort: it is a spare, not the data). */
  private keepGood(): Promise<void> {
    const text = this.watched.goodText();
    if (!this.lastGoodFile || !this.watched.state().ok || text === null || text === this.keptText || !text.trim()) return this.keeping;
    this.keptText = text;
    this.fromLastGood = false;
    const file = this.lastGoodFile;
    // Copies are written one after another, so the last one written is the last version that loaded.
    this.keeping = this.keeping
      .then(() => mkdir(dirname(file), { recursive: true, mode: 0o700 }))
      .then(() => writeFileAtomic(file, text))
      .catch(() => undefined);
    return this.keeping;
  }
  private keeping: Promise<void> = Promise.resolve();

  /** Whether the configs served are the last good copy's, because the file is broken. */
  servingLastGood(): boolean {
    return this.fromLastGood && !this.watched.state().ok;
  }

  /** A store read once, for a command that needs a good file: throws `file: path: message` when it is broken. */
  static async load(file: string): Promise<ConfigStore> {
    const store = new ConfigStore(file);
    await store.reload();
    const error = store.state().error;
    if (error) throw new ClpError('config_invalid', error);
    return store;
  }

  snapshot(): ConfigSnapshot {
    return this.watched.value();
  }

  state(): ConfigFileState {
    const s = this.watched.state();
    return { file: this.file, ok: s.ok, error: s.error, configs: this.snapshot().entries.length };
  }

  /** Creates the file as `{}` when it does not exist (first run), never touching an existing one. */
  async ensureExists(): Promise<void> {
    await writeFileIfMissing(this.file, '{}\n');
  }

  async reload(): Promise<void> {
    await this.watched.reload();
    await this.keepGood();
    if (this.watched.state().ok || !this.lastGoodFile || this.watched.goodText() !== null) return;
    // Broken from the start: serve the last version that loaded, if there is one.
    const text = await readFile(this.lastGoodFile, 'utf8').catch(() => null);
    const parsed = text === null ? null : parseConfigText(this.label, text);
    if (parsed?.ok && parsed.entries.length) {
      this.watched.fallback(snapshotOf(parsed.entries));
      this.fromLastGood = true;
    }
  }

  /** Starts following the file: any edit applies within a second. */
  watch(): void {
    this.watched.watch();
  }

  close(): void {
    this.watched.close();
  }

  /**
   * Read-modify-write under the file lock, so that the CLI, a daemon and a VS Code window writing at
   * the same moment lose no update. Refuses (and leaves the file alone) when the file on disk is broken
   * or the result would not validate, unless `repair` is given: then a broken file is replaced by
   * what `repair` makes of its text (the raw editor's save of a file it opened broken).
   */
  async update(mutate: (raw: RawConfigFile) => RawConfigFile, repair?: (brokenText: string) => RawConfigFile): Promise<ConfigSnapshot> {
    await withFileLock(this.file, async () => {
      let text = '';
      try {
        text = await readFile(this.file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const current = parseConfigText(this.label, text);
      if (!current.ok && !repair) {
        throw new ClpError('config_invalid', `${current.error} (fix the file first; CLP will not overwrite it)`);
      }
      // A repair replaces the broken text as a whole, with what the user wrote from it.
      const next = current.ok ? mutate(current.raw) : repair!(text);
      const checked = parseConfigValue(this.label, next);
      if (!checked.ok) throw new ClpError('config_invalid', checked.error);
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    });
    await this.reload();
    return this.snapshot();
  }
}
