import { readFile, stat } from 'node:fs/promises';
import { WatchedFile, type WatchedState } from '../config/watched-file.ts';
import { writeFileIfMissing } from '../fs/atomic.ts';
import type { Logger } from '../log.ts';
import { emptyRoutes, importOriginalRouter, parseRoutes } from './routes.ts';
import type { Routes, RoutesFile } from '../../shared/rules.ts';

/** `routes.json`, hot-reloaded; created once from the original tool's router file when that exists. */
export class RouteSet {
  private readonly file: WatchedFile<Routes>;

  constructor(
    private readonly path: string,
    private readonly originalPath: string,
    private readonly log: Logger,
  ) {
    this.file = new WatchedFile<Routes>(path, parseRoutes, emptyRoutes(), (routes, state) => {
      if (state.error) log.warn(`${state.error} (the previous routes stay in force)`);
      else log.info(`routes: ${routes.claude.length} claude and ${routes.codex.length} codex rule(s)`);
    });
  }

  state(): WatchedState {
    return this.file.state();
  }

  routes(): Routes {
    return this.file.value();
  }

  async start(): Promise<void> {
    await this.importOriginalOnce();
    await this.file.reload();
    this.file.watch();
  }

  private async importOriginalOnce(): Promise<void> {
    if (
      await stat(this.path).then(
        () => true,
        () => false,
      )
    )
      return;
    const text = await readFile(this.originalPath, 'utf8').catch(() => null);
    if (text === null) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.log.warn(`${this.originalPath}: not JSON; the original tool's routes were not imported`);
      return;
    }
    const routes = importOriginalRouter(value);
    if (!(await writeFileIfMissing(this.path, `${JSON.stringify(routes, null, 2)}\n`))) return;
    this.log.info(`imported the original CLP's model routing into ${this.path}`);
  }

  /** Reads the file now (after CLP wrote it), rather than at the next watch event. */
  reload(): Promise<void> {
    return this.file.reload();
  }

  /** Saves new routes (already checked against the schema) and puts them in force. */
  save(routes: RoutesFile): Promise<void> {
    return this.file.save(`${JSON.stringify(routes, null, 2)}\n`);
  }

  close(): void {
    this.file.close();
  }
}
