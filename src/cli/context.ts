import type { ClpPaths } from '../core/paths.ts';
import type { OwnerClient } from '../core/owner/owner-client.ts';
import type { Settings } from '../core/settings.ts';

/** What every command gets: where files are, the settings in force, and where to print. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  paths: ClpPaths;
  /** The settings in force, read and checked on the first call (a broken file throws its error there). */
  settings(): Promise<Settings>;
  /** The running owner, reached only through the dashboard protocol once it proved itself. */
  owner: OwnerClient;
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: 0 done, 1 failed, 2 bad usage, 3 `status` found CLP not running, 4 a VS Code window owns CLP (stop it there). */
export const EXIT = { ok: 0, failed: 1, usage: 2, notRunning: 3, ownedElsewhere: 4 } as const;
