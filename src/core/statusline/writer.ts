import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.ts';
import { SESSION_FILE_ID } from './script.ts';

export interface StatuslineDeps {
  dir: string;
  /** The line for one Claude Code session, and for one CLP has not seen yet. */
  line(session: string): string;
  activeLine(): string;
  /** Claude Code said which project directory the session works in. */
  project(session: string, dir: string): void;
  /** Resolves once the session totals are complete (seeded from the log). */
  ready(): Promise<void>;
  log: Logger;
  retentionMs: number;
  now: () => number;
}

/** The project directory in the JSON Claude Code passes its statusline, or null. Pure. */
export function projectOf(json: string): string | null {
  try {
    const v = JSON.parse(json) as { workspace?: { project_dir?: unknown; current_dir?: unknown }; cwd?: unknown };
    const dir = v.workspace?.project_dir ?? v.workspace?.current_dir ?? v.cwd;
    return typeof dir === 'string' && dir ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The owner's half of the statusline: keeps `<session>.line` current for every session whose
 * statusline has asked (after its requests, a switch, a binding), reads each session's project
 * directory from what the statusline left, and says which process writes (`owner.pid`). Writes are
 * batched (at most one per session per 200 ms) and never on the request's path.
 */
export class StatuslineWriter {
  private readonly known = new Set<string>();
  private readonly projects = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private allDirty = false;
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: StatuslineDeps) {}

  async start(): Promise<void> {
    await ensurePrivateDir(this.deps.dir);
    const cutoff = this.deps.now() - this.deps.retentionMs;
    for (const name of await readdir(this.deps.dir).catch(() => [] as string[])) {
      const id = name.endsWith('.in') ? name.slice(0, -3) : null;
      if (!id || !SESSION_FILE_ID.test(id)) continue;
      const file = join(this.deps.dir, name);
      const st = await stat(file).catch(() => null);
      if (!st) continue;
      // Sessions end with the log's retention, and so does what their statusline left.
      if (st.mtimeMs < cutoff) {
        await rm(file, { force: true });
        await rm(join(this.deps.dir, `${id}.line`), { force: true });
        continue;
      }
      await this.read(id);
    }
    await writeFileAtomic(join(this.deps.dir, 'owner.pid'), `${process.pid}\n`);
    this.allDirty = true;
    await this.flush();
    try {
      this.watcher = watch(this.deps.dir, (_event, name) => {
        const file = typeof name === 'string' ? name : null;
        if (file?.endsWith('.in')) void this.read(file.slice(0, -3));
      });
      this.watcher.on('error', (err) => this.deps.log.warn(`statusline: stopped watching ${this.deps.dir}: ${err.message}`));
    } catch (err) {
      this.deps.log.warn(`statusline: cannot watch ${this.deps.dir}: ${(err as Error).message}`);
    }
  }

  private async read(id: string): Promise<void> {
    if (!SESSION_FILE_ID.test(id)) return;
    const text = await readFile(join(this.deps.dir, `${id}.in`), 'utf8').catch(() => null);
    // Read in the middle of the script's write: the next event brings the whole of it.
    const project = text ? projectOf(text) : null;
    if (!this.known.has(id)) {
      this.known.add(id);
      this.changed(id);
      void this.deps.ready().then(
        () => this.changed(),
        () => undefined,
      );
    }
    if (project && this.projects.get(id) !== project) {
      this.projects.set(id, project);
      this.deps.project(id, project);
    }
  }

  /** A session's figures changed; `undefined`: every line may have (a switch, a binding). */
  changed(session?: string | null): void {
    if (session === undefined) this.allDirty = true;
    else if (session && this.known.has(session)) this.dirty.add(session);
    else return;
    this.timer ??= setTimeout(() => void this.flush(), 200);
    this.timer.unref?.();
  }

  /** Writes every line that changed; resolves when they are on disk. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const all = this.allDirty;
    const ids = all ? [...this.known] : [...this.dirty];
    this.allDirty = false;
    this.dirty.clear();
    this.writing = this.writing.then(async () => {
      try {
        if (all) await writeFileAtomic(join(this.deps.dir, 'active'), `${this.deps.activeLine()}\n`);
        for (const id of ids) await writeFileAtomic(join(this.deps.dir, `${id}.line`), `${this.deps.line(id)}\n`);
      } catch (err) {
        this.deps.log.warn(`statusline: could not write a line: ${(err as Error).message}`);
      }
    });
    return this.writing;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    await this.flush();
    // A line of a stopped CLP is never shown: the script checks this pid.
    await rm(join(this.deps.dir, 'owner.pid'), { force: true });
  }
}
