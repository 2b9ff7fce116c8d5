import type { RequestRecord } from '../../shared/records.ts';

/** When a request ended: records reach the outbox in this order, about. */
export const endOf = (r: RequestRecord): number => r.started_at + Math.max(0, r.duration_ms);

/**
 * The records waiting to be shipped to the team database. The request log is the source of truth:
 * this is only its tail in memory, capped, so an unreachable database never grows memory. What falls
 * past the cap, and what a restart left unshipped, is read back from the log from `cursor()`: every
 * request that ended before it has been shipped. Shipping is idempotent (keyed by member and id), so
 * reading back a little more than needed costs a duplicate insert the database drops, never a
 * duplicate row. Pure: no I/O, time passed in.
 */
export class Outbox {
  private queue: RequestRecord[] = [];
  private ids = new Set<string>();
  /** The end of the earliest record dropped at the cap and not yet read back (null: none dropped). */
  private dropped: number | null = null;
  /** Every request ending before this has been shipped (or was shipped before the last restart). */
  private shippedBefore: number;

  constructor(
    cursor: number,
    private readonly cap = 5_000,
  ) {
    this.shippedBefore = cursor;
  }

  get size(): number {
    return this.queue.length;
  }

  /** Records wait here, or are only counted past the cap (then read back from the log). */
  add(r: RequestRecord): void {
    if (this.ids.has(r.id)) return;
    if (this.queue.length >= this.cap) {
      this.dropped = Math.min(this.dropped ?? Infinity, endOf(r));
      return;
    }
    this.queue.push(r);
    this.ids.add(r.id);
  }

  /** Whether records must be read back from the log (some were dropped at the cap), and from when. */
  needsReadBack(): number | null {
    return this.queue.length === 0 && this.dropped !== null ? this.dropped : null;
  }

  /** The records read back from the log since `needsReadBack()` said: they take the dropped ones' place. */
  readBack(records: RequestRecord[]): void {
    const from = this.dropped;
    this.dropped = null;
    for (const r of records.sort((a, b) => endOf(a) - endOf(b))) if (from === null || endOf(r) >= from) this.add(r);
  }

  /** The next batch to ship, oldest first (they stay queued until `shipped`). */
  next(max: number): RequestRecord[] {
    return this.queue.slice(0, max);
  }

  /** The batch reached the database: it leaves the queue, and the cursor moves on. */
  shipped(batch: readonly RequestRecord[], now: number): void {
    const done = new Set(batch.map((r) => r.id));
    this.queue = this.queue.filter((r) => !done.has(r.id));
    for (const id of done) this.ids.delete(id);
    this.shippedBefore = this.computeCursor(now);
  }

  private computeCursor(now: number): number {
    let c = now;
    for (const r of this.queue) c = Math.min(c, endOf(r));
    if (this.dropped !== null) c = Math.min(c, this.dropped);
    return Math.max(this.shippedBefore, Math.min(c, now));
  }

  /** What to keep on disk: a restart reads the log back from here. */
  cursor(): number {
    return this.shippedBefore;
  }
}
