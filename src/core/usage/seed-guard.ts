import type { RequestRecord } from '../../shared/records.ts';

/**
 * Which records a tracker has folded itself, when a seed from the log brings them again. A tracker
 * folds every request this owner finishes; the log holds those too, next to what earlier owners
 * logged. Records that started before `since` (the tracker's start, or its last reset) come from
 * the seed; later ones were folded as they finished. Only requests in flight at `since` (started
 * before it, finished after) are remembered by id, so the memory kept does not grow with the
 * requests served before anyone looks (a set of every id did: ~100 bytes a request, until the first
 * look at the dashboard).
 */
export class SeedGuard {
  private straddling = new Set<string>();
  private done = false;

  constructor(private since: number) {}

  get seeded(): boolean {
    return this.done;
  }

  /** How many ids are kept (requests in flight at `since`). */
  get remembered(): number {
    return this.straddling.size;
  }

  /** A record the tracker folds as it finishes. */
  added(r: RequestRecord): void {
    if (!this.done && r.started_at < this.since) this.straddling.add(r.id);
  }

  /** Whether a record read from the log is one the tracker has not folded. */
  fromLog(r: RequestRecord): boolean {
    return r.started_at < this.since && !this.straddling.has(r.id);
  }

  /** The seed is folded: from now on every record comes through `added` only. */
  finish(): void {
    this.done = true;
    this.straddling = new Set();
  }

  /** The tracker dropped what it folded at `now`: the next seed brings everything before it. */
  reset(now: number): void {
    this.since = now;
    this.straddling = new Set();
    this.done = false;
  }
}
