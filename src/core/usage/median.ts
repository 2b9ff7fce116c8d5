/** Values kept exactly; past them the median is read from the histogram alone. */
const EXACT = 2048;
/** Histogram buckets per doubling: a bucket spans about 2.2%, so its middle is within ~1.1% of any value in it. */
const PER_DOUBLING = 32;

const bucketOf = (v: number): number => (v > 0 ? Math.floor(Math.log2(v) * PER_DOUBLING) : Number.NEGATIVE_INFINITY);
/** A bucket's middle, on the log scale; 0 for the bucket of zero and below. */
const middleOf = (b: number): number => (b === Number.NEGATIVE_INFINITY ? 0 : 2 ** ((b + 0.5) / PER_DOUBLING));

/**
 * The median of a day's latencies in bounded memory: exact while the day has at most 2,048 of them
 * (a person's day per config, nearly always), from a log-scale histogram past that (within about 1%).
 * A day of a load test or a runaway script no longer keeps a number for every request it made.
 */
export class Median {
  private exact: number[] | null = [];
  private readonly buckets = new Map<number, number>();
  private count = 0;

  add(v: number): void {
    this.count++;
    const b = bucketOf(v);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    if (this.exact) {
      if (this.exact.length < EXACT) this.exact.push(v);
      else this.exact = null;
    }
  }

  get size(): number {
    return this.count;
  }

  /** The median of every value in `parts` together; null when there are none. */
  static of(parts: readonly Median[]): number | null {
    let count = 0;
    for (const p of parts) count += p.count;
    if (!count) return null;
    if (count <= EXACT && parts.every((p) => p.exact)) return exactMedian(parts.flatMap((p) => p.exact!));
    const buckets = new Map<number, number>();
    for (const p of parts) for (const [b, n] of p.buckets) buckets.set(b, (buckets.get(b) ?? 0) + n);
    const sorted = [...buckets].sort((x, y) => x[0] - y[0]);
    // The middle value's bucket (the lower middle one for an even count).
    const want = Math.ceil(count / 2);
    let seen = 0;
    for (const [b, n] of sorted) {
      seen += n;
      if (seen >= want) return middleOf(b);
    }
    return middleOf(sorted.at(-1)![0]);
  }
}

function exactMedian(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
