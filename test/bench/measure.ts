// Small measures the bench's parts share.
import { readFileSync } from 'node:fs';
import { type Dispatcher, request } from 'undici';

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Open-loop load at a fixed rate: latency of each request (to the end of its body), in ms. */
export async function fixedRate(agent: Dispatcher, url: string, rate: number, seconds: number, payload: string): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const total = rate * seconds;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      (async () => {
        const t = performance.now();
        const res = await request(`${url}/v1/messages`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await res.body.arrayBuffer();
        latencies.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(pending);
  return latencies.slice(Math.floor(latencies.length * 0.1)); // drop the warm-up tenth
}
