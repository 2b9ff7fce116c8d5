/**
 * How many requests a second keep their headers and bodies in the log: a token bucket, refilled at
 * `perSecond` up to `burst`. Past it every record is still kept, marked `bodies_shed`, and nothing of
 * its bodies is built (no header copies, key scrubbing, response redaction, blob or compression):
 * under a load far past any person's (the heaviest Claude Code sessions with subagents send a few
 * requests a second) the log's work per request shrinks to the record, and relaying never pays for it.
 */
export class BodyRate {
  private tokens: number;
  private last: number | null = null;

  constructor(
    readonly perSecond: number,
    readonly burst = perSecond * 5,
  ) {
    this.tokens = burst;
  }

  /** One request's bodies at `now` (epoch ms): true when they are kept. */
  take(now: number): boolean {
    if (this.last !== null && now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    if (this.last === null || now > this.last) this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
