import { readFile } from 'node:fs/promises';
import type { ServiceName } from '../../shared/services.ts';
import { writeFileAtomic } from '../fs/atomic.ts';

interface Binding {
  config: string[];
  /** Epoch ms it was made: bindings end with the session's retention. */
  at: number;
}

/**
 * Sessions bound to a config (or a few), from the dashboard, VS Code or `clp session bind`: such a
 * session stays there whatever the active config is. Kept in `data/session-bindings.json`, written
 * by the owner alone; a binding older than the log's retention is dropped when read.
 */
export class SessionBindings {
  private map = new Map<string, Binding>();

  constructor(
    private readonly file: string,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(service: ServiceName, session: string): string {
    return `${service}\u0000${session}`;
  }

  async load(): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (!text) return;
    try {
      const raw = JSON.parse(text) as Record<string, Record<string, Binding>>;
      for (const [service, sessions] of Object.entries(raw))
        for (const [session, b] of Object.entries(sessions ?? {})) {
          if (Array.isArray(b?.config) && typeof b.at === 'number' && this.now() - b.at < this.retentionMs) this.map.set(`${service}\u0000${session}`, b);
        }
    } catch {
      // A damaged file binds nothing; it is written anew at the next change.
    }
  }

  get(service: ServiceName, session: string | null): string[] | null {
    return session ? (this.map.get(this.key(service, session))?.config ?? null) : null;
  }

  async set(service: ServiceName, session: string, config: string[] | null): Promise<void> {
    if (config) this.map.set(this.key(service, session), { config, at: this.now() });
    else this.map.delete(this.key(service, session));
    const out: Record<string, Record<string, Binding>> = {};
    for (const [key, b] of this.map) {
      const [s, id] = key.split('\u0000') as [string, string];
      (out[s] ??= {})[id] = b;
    }
    await writeFileAtomic(this.file, `${JSON.stringify(out, null, 2)}\n`);
  }
}
