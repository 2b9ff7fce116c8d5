/**
 * The request bodies held in memory by all requests together (both proxy ports). A body is kept
 * whole until its request ends (failover sends it again), so without a bound many large uploads at
 * once would grow the owner without limit; past the budget new requests are refused with a 429.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  get held(): number {
    return this.used;
  }

  /** Takes `bytes` from the budget, or nothing when that would pass it. */
  reserve(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
