// 200 long streams at once, as subagents in parallel get them: each of 100 deltas 20 ms apart. The
// client times the gap between the reads of every stream; what a proxy adds to the slowest gap (over
// the upstream's own 20 ms) is a stall a user would see as a stutter.
import { Agent, request } from 'undici';

export const STREAMS = 200;
const DELTAS = 100;
const GAP_MS = 20;

export interface ManyStreams {
  /** The slowest gap between two reads of any stream, less the upstream's spacing (ms). */
  worstAddedGapMs: number;
  /** The 99th percentile of all gaps, less the spacing (ms). */
  p99AddedGapMs: number;
  /** Streams that ended without their last event. */
  broken: number;
  /** Streams whose events reached the client in fewer reads than events (merged, not lost). */
  merged: number;
  peakRssMb: number;
}

export async function manyStreams(url: string, rss: () => number): Promise<ManyStreams> {
  const agent = new Agent({ connections: STREAMS + 8, keepAliveTimeout: 30_000 });
  const gaps: number[] = [];
  let broken = 0;
  let merged = 0;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
  const body = JSON.stringify({ stream: true, model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'go' }] });
  try {
    await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const res = await request(`${url}/v1/messages`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-bench-gap-ms': String(GAP_MS), 'x-bench-deltas': String(DELTAS) },
          dispatcher: agent,
        });
        let last = 0;
        let reads = 0;
        let text = '';
        for await (const chunk of res.body) {
          const now = performance.now();
          if (reads) gaps.push(now - last);
          last = now;
          reads++;
          text += chunk.toString('utf8');
        }
        if (!text.includes('message_stop')) broken++;
        else if (reads < DELTAS) merged++;
      }),
    );
  } finally {
    clearInterval(sampler);
    await agent.close();
  }
  gaps.sort((a, b) => a - b);
  return {
    worstAddedGapMs: Math.max(0, gaps.at(-1)! - GAP_MS),
    p99AddedGapMs: Math.max(0, gaps[Math.floor(gaps.length * 0.99)]! - GAP_MS),
    broken,
    merged,
    peakRssMb: peak,
  };
}
