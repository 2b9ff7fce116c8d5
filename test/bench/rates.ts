// The bench's rate rounds: closed-loop load from wrk on each target in turn, the others paused, with
// the CPU each proxy spent on the requests it served.
import autocannon from 'autocannon';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.ts';
import { killAll, pinSelf } from './procs.ts';

export const QUICK = process.argv.includes('--quick');
/** Throughput runs are shorter and more: five rounds of 3 s say more than three of 5 s. */
export const RATE_ROUNDS = QUICK ? 1 : 5;
export const RATE_SECONDS = QUICK ? 2 : 3;

export type Target = 'direct' | 'floor' | 'clp';
/**
 * CLP with its features taken away one by one, measured in the same rounds as the floor and CLP:
 * where CLP's CPU goes, from `npm run bench` itself. `nolog`: as users run it, request log off.
 * `bare`: the log off and no filter rules or detectors (the pool of three configs stays).
 */
export type Stripped = 'nolog' | 'bare';
export type Proxy = Exclude<Target, 'direct'> | Stripped;
/**
 * The proxies (the floor, CLP and the stripped-down CLPs) share core 0. While one target is measured,
 * the others are paused (SIGSTOP), so their idle-time work (V8 shrinking its heap, timers) never lands
 * on the measured one's core: that cost, several ms at a time, belongs to none of them. `null` resumes
 * them all.
 */
export const proxies: Partial<Record<Proxy, ChildProcess>> = {};
export function alone(t: Target | Stripped | null): void {
  for (const [name, proc] of Object.entries(proxies)) proc.kill(t === null || name === t ? 'SIGCONT' : 'SIGSTOP');
}

/** Resumes whatever is paused, then stops every process the bench started. */
export function stopAll(): void {
  alone(null);
  killAll();
}

/** Debian's wrk (C, one thread): a load generator that is not the bottleneck. autocannon otherwise. */
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p)) ?? null;
export const GENERATOR = WRK ? 'wrk (1 thread, Lua for the POST body)' : "autocannon (install Debian's wrk for the intended generator)";

/** A wrk script that POSTs `payload` with `headers`. */
async function wrkScript(payload: string, headers: Record<string, string>): Promise<string> {
  const file = join(tmpdir(), `clp-bench-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(payload)}`,
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Closed-loop load for RATE_SECONDS: requests per second and how many were served. */
async function throughput(url: string, connections: number, payload: string, headers: Record<string, string> = {}): Promise<{ rate: number; total: number }> {
  const all = { 'content-type': 'application/json', ...headers };
  if (WRK) {
    const script = await wrkScript(payload, all);
    try {
      const out = execFileSync(WRK, ['-t1', `-c${connections}`, `-d${RATE_SECONDS}s`, '-s', script, `${url}/v1/messages`], { encoding: 'utf8' });
      const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), total };
    } finally {
      await rm(script, { force: true });
    }
  }
  const result = await autocannon({ url: `${url}/v1/messages`, method: 'POST', body: payload, headers: all, connections, duration: RATE_SECONDS });
  return { rate: result.requests.average, total: result.requests.total };
}

/** CPU time (user + system, all threads) a process has used, in microseconds. */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / 100); // utime, stime in clock ticks
}

/**
 * Rates of the targets over interleaved rounds. A ratio is the median of each round's ratio to the
 * floor: they run back to back, so a slow spell of this shared machine mostly hits both.
 */
export interface Rates {
  median: Partial<Record<Target | Stripped, number>>;
  ratio: number;
  /** CPU per request served (user + sys of the proxy process over its round), in microseconds. */
  cpu: Partial<Record<Proxy, number>>;
  cpuRatio: number;
  /** Each proxy's median ratio to the floor's CPU per request. */
  cpuRatios: Partial<Record<Proxy, number>>;
}

export async function rates(
  urls: Partial<Record<Target | Stripped, string>>,
  pids: Partial<Record<Proxy, number>>,
  connections: number,
  payload: string,
  headers: Record<string, string> = {},
): Promise<Rates> {
  const targets = Object.keys(urls) as Array<Target | Stripped>;
  const proxied = targets.filter((t): t is Proxy => t !== 'direct');
  const runs: Partial<Record<Target | Stripped, number[]>> = {};
  const cpu: Partial<Record<Proxy, number[]>> = {};
  const ratios: number[] = [];
  const cpuRatios: Partial<Record<Proxy, number[]>> = {};
  // While it saturates a proxy, the load generator (this process) shares the upstream's core, so the
  // proxy under test has core 0 to itself. For the latency runs (light load) it may run anywhere: on
  // the upstream's core it would stretch the direct run's own p99.
  pinSelf('1');
  // One round at full load first, not counted: the JIT optimises a path only once it runs hot, and a
  // user's CLP runs for hours.
  for (const t of proxied) {
    alone(t);
    await throughput(urls[t]!, connections, payload, headers);
  }
  for (let r = 0; r < RATE_ROUNDS; r++) {
    for (const t of targets) {
      alone(t);
      const before = t === 'direct' ? 0 : cpuMicros(pids[t]!);
      const got = await throughput(urls[t]!, connections, payload, headers);
      (runs[t] ??= []).push(got.rate);
      if (t !== 'direct') (cpu[t] ??= []).push((cpuMicros(pids[t]!) - before) / Math.max(1, got.total));
    }
    ratios.push(runs.clp!.at(-1)! / runs.floor!.at(-1)!);
    for (const t of proxied) (cpuRatios[t] ??= []).push(cpu[t]!.at(-1)! / cpu.floor!.at(-1)!);
  }
  alone(null);
  pinSelf(`0-${cpus().length - 1}`);
  const of = <K extends string>(xs: Partial<Record<K, number[]>>) =>
    Object.fromEntries(Object.entries(xs).map(([k, v]) => [k, median(v as number[])])) as Partial<Record<K, number>>;
  const cpuMedians = of(cpuRatios);
  return { median: of(runs), ratio: median(ratios), cpu: of(cpu), cpuRatio: cpuMedians.clp!, cpuRatios: cpuMedians };
}

/** The rows saying where CLP's CPU goes: each stripped-down CLP's CPU per request (or event) against the floor's. */
export function strippedRows(what: string, r: Rates, per = 1): Array<[string, string, string, string, string, string]> {
  const label: Record<Stripped, string> = { nolog: 'CLP without its request log', bare: 'CLP without its request log, filter rules or detectors' };
  return (['nolog', 'bare'] as const).map((t) => [
    `${what}, ${label[t]}`,
    '-',
    (r.cpu.floor! / per).toFixed(2),
    (r.cpu[t]! / per).toFixed(2),
    r.cpuRatios[t]!.toFixed(2),
    'where the CPU goes',
  ]);
}
