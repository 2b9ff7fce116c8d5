import type { Core, CoreOptions } from '../core/core.ts';
import { stopProcess } from '../core/process.ts';
import type { Logger } from '../core/log.ts';
import { clpPaths, resolveHome } from '../core/paths.ts';
import type { Settings, SettingsInput, SettingsSchema } from '../core/settings.ts';
import { OwnerClient } from '../core/owner/owner-client.ts';
import { ClpError } from '../shared/errors.ts';
import type { StatusReport } from '../shared/status.ts';

export type OwnershipState =
  | { kind: 'starting' }
  /** This window runs the core. */
  | { kind: 'owner'; status: StatusReport }
  /** Another window or a `clp` daemon runs it; this one talks to it. */
  | { kind: 'attached'; status: StatusReport }
  /** The user stopped the proxy here; nothing is taken over until they start it again. */
  | { kind: 'stopped' }
  /** A port is held by a program that is not CLP. */
  | { kind: 'blocked'; message: string }
  | { kind: 'error'; message: string };

export interface OwnershipOptions {
  env: NodeJS.ProcessEnv;
  /**
   * From the editor's `clp.*` settings, checked against the schema given; the environment's CLP_*
   * variables still win, as for the CLI. Read once, by `init()`, after activate() has returned: VS Code
   * waits for its synchronous part only.
   */
  settings: (schema: SettingsSchema) => SettingsInput;
  log: Logger;
  /** How often an attached window checks that its owner is still there. */
  pollMs?: number;
  assetsDir?: string;
}

/**
 * Who owns the ports, from this window's point of view. Holding the dashboard port is ownership:
 * the core binds it first and opens the database only after that, so two windows can never both
 * write. A window that loses the race attaches to the winner and, when the winner goes away, tries
 * to take over (only one of several waiting windows can win the bind).
 */
export class Ownership {
  private core: Core | null = null;
  private current: OwnershipState = { kind: 'starting' };
  private readonly listeners = new Set<(s: OwnershipState) => void>();
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  settings!: Settings;
  private editorSettings: SettingsInput = {};
  link!: OwnerClient;

  constructor(private readonly options: OwnershipOptions) {}

  get state(): OwnershipState {
    return this.current;
  }

  onChange(listener: (s: OwnershipState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: OwnershipState): void {
    this.current = state;
    for (const l of this.listeners) l(state);
  }

  async init(): Promise<void> {
    const paths = clpPaths(resolveHome(this.options.env));
    // The settings' schema (and zod with it, 60% of the extension's code) is dist/settings.js, read
    // here, after activate() has returned: VS Code's activation does not wait for it.
    const { loadSettings, settingsSchema } = await import('../core/settings.ts');
    this.editorSettings = this.options.settings(settingsSchema);
    this.settings = await loadSettings(paths.settings, this.options.env, this.editorSettings);
    this.link = new OwnerClient(this.settings.host, this.settings.ports.ui, paths.runDir);
    this.timer = setInterval(() => void this.tick(), this.options.pollMs ?? 2000);
    this.timer.unref?.();
  }

  /** Becomes the owner, or attaches to the one that is there. */
  start(): Promise<void> {
    return this.serial(async () => {
      if (this.core) return;
      this.set({ kind: 'starting' });
      const existing = await this.link.probe();
      if (existing.kind === 'owner') return this.set({ kind: 'attached', status: existing.status });
      if (existing.kind === 'foreign') return this.set({ kind: 'blocked', message: existing.message });
      const coreOptions: CoreOptions = {
        env: this.options.env,
        settings: this.editorSettings,
        ownerKind: 'vscode',
        log: this.options.log,
        assetsDir: this.options.assetsDir,
      };
      let core: Core | null = null;
      try {
        // The engine is loaded only when this window becomes the owner (dist/engine.js): an attached
        // window never reads it, and VS Code's activation does not wait for it.
        const { createCore } = await import('../core/core.ts');
        core = await createCore(coreOptions);
        await core.start();
        this.core = core;
        this.set({ kind: 'owner', status: core.status() });
      } catch (err) {
        this.core = null;
        // Lost a race for the dashboard port to another window or a daemon: attach to it.
        const winner = await this.link.probe();
        if (winner.kind === 'owner') return this.set({ kind: 'attached', status: winner.status });
        const message = (err as Error).message;
        this.options.log.error(`CLP did not start: ${message}`);
        this.set(ClpError.is(err, 'port_in_use') ? { kind: 'blocked', message } : { kind: 'error', message });
      }
    });
  }

  /** Stops the proxy this window owns, or a `clp` daemon it is attached to; never another window. */
  stop(): Promise<void> {
    return this.serial(async () => {
      if (this.core) {
        const core = this.core;
        this.core = null;
        await core.stop();
        return this.set({ kind: 'stopped' });
      }
      if (this.current.kind === 'attached') {
        const owner = this.current.status.owner;
        if (owner?.kind === 'vscode') {
          throw new ClpError('owned_elsewhere', `CLP is owned by another VS Code window (pid ${owner.pid}); stop it there`);
        }
        if (owner) await stopProcess(owner.pid);
      }
      this.set({ kind: 'stopped' });
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    const s = this.current;
    if (s.kind === 'attached') {
      // The owner went away (its window closed, the daemon stopped): take over.
      const probe = await this.link.probe();
      if (probe.kind === 'none') await this.start();
      else if (probe.kind === 'foreign') this.set({ kind: 'blocked', message: probe.message });
      else if (probe.status.owner?.pid !== s.status.owner?.pid) this.set({ kind: 'attached', status: probe.status });
    } else if (s.kind === 'blocked' || s.kind === 'stopped') {
      const probe = await this.link.probe();
      if (probe.kind === 'owner') this.set({ kind: 'attached', status: probe.status });
    }
  }

  private async serial(work: () => Promise<void>): Promise<void> {
    while (this.busy) await this.busy.catch(() => undefined);
    const run = work();
    this.busy = run.finally(() => (this.busy = null));
    return run;
  }

  async dispose(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.busy) await this.busy.catch(() => undefined);
    const core = this.core;
    this.core = null;
    await core?.stop();
  }
}
