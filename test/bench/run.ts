// `npm run bench`: CLP's overhead measured side by side with going direct and with a minimal Node
// proxy (the floor), in interleaved rounds of one run, on this machine. Prints a table of absolute
// numbers and ratios and saves it under test/bench/results/. Not part of `npm test`.
import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Agent, request } from 'undici';
import { freePorts, portEnv } from '../helpers/home.ts';
import { historyRows } from './history.ts';
import { burstRows } from './dashboard-burst.ts';
import { manyStreams, STREAMS } from './many-streams.ts';
import { fixedRate, median, rssMb } from './measure.ts';
import { canPin, launch, startUpstream } from './procs.ts';
import { alone, GENERATOR, proxies, QUICK, RATE_ROUNDS, RATE_SECONDS, rates, stopAll, strippedRows, type Target } from './rates.ts';
import { teamBenchRows } from './team.ts';

const ROOT = join(__dirname, '..', '..');
const SECONDS = QUICK ? 2 : 5;
/**
 * Added latency runs many short rounds (the targets in turn, the order rotating every round) and
 * takes each percentile over all of a target's samples: a hiccup of this shared machine then lands
 * on any target alike, and a p99 rests on some 50 samples above it instead of 9.
 */
const LAT_ROUNDS = QUICK ? 1 : 20;
const LAT_SECONDS = QUICK ? 2 : 1.5;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function body(bytes: number, stream = false): string {
  const head = `{"stream":${stream},"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"`;
  const tail = '"}]}';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

/** Time to first body byte of a stream of spaced events, and how many reads it arrived in. */
async function ttfb(url: string, gapMs: number): Promise<{ ttfb: number; reads: number }> {
  const t = performance.now();
  const res = await request(`${url}/v1/messages`, {
    method: 'POST',
    body: body(200, true),
    headers: { 'content-type': 'application/json', 'x-bench-gap-ms': String(gapMs) },
    dispatcher: agent,
  });
  let first = 0;
  let reads = 0;
  for await (const _chunk of res.body) {
    if (!reads) first = performance.now() - t;
    reads++;
  }
  return { ttfb: first, reads };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: `npm run bench` builds it first');
  // `npm run bench -- --team`: team mode's figures alone (they need Debian's postgresql).
  // `npm run bench -- --history`: the month-of-history rows alone (the owner, `clp`, the dashboard).
  if (process.argv.includes('--history')) {
    const history = await historyRows(QUICK, (s) => process.stderr.write(`${s}\n`));
    const text = `${['| measure | direct (empty log) | - | CLP (month of history) | ratio | target |', '| --- | --- | --- | --- | --- | --- |', ...history.rows.map((r) => `| ${r.join(' | ')} |`), '', history.note].join('\n')}\n`;
    process.stdout.write(text);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    await writeFile(
      join(__dirname, 'results', `${stamp}-history${QUICK ? '-quick' : ''}.md`),
      `CLP benchmark, month of history alone, ${stamp} UTC\n\n${text}`,
    );
    return;
  }
  // `npm run bench -- --burst`: the dashboard's Requests page under a burst of requests, alone.
  if (process.argv.includes('--burst')) {
    const burst = await burstRows(QUICK, (s) => process.stderr.write(`${s}\n`));
    process.stdout.write(
      `${['| measure | - | - | CLP | - | target |', '| --- | --- | --- | --- | --- | --- |', ...burst.rows.map((r) => `| ${r.join(' | ')} |`), '', burst.note].join('\n')}\n`,
    );
    return;
  }
  if (process.argv.includes('--team')) {
    const team = await teamBenchRows(QUICK, (s) => process.stderr.write(`${s}\n`));
    process.stdout.write(
      `${['| measure | team off | - | CLP | - | target |', '| --- | --- | --- | --- | --- | --- |', ...team.rows.map((r) => `| ${r.join(' | ')} |`), '', team.note].join('\n')}\n`,
    );
    return;
  }
  const home = await mkdtemp(join(tmpdir(), 'clp-bench-'));
  const env = { ...process.env, CLP_HOME: home };

  const upstream = (await startUpstream(1, env)).url;
  // The floor runs as plain JavaScript, bundled as CLP is: under tsx its process held ~30 MB more (the
  // loader's thread and esbuild), which flattered CLP's memory ratios.
  const floorJs = join(home, 'floor.js');
  await build({
    entryPoints: [join(__dirname, 'floor.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: floorJs,
    logLevel: 'warning',
  });
  const floor = await launch([process.execPath, floorJs, '0', upstream], env, 0, /^\d+$/);

  // CLP as users run it: a pool of three configs, filter rules and every detector, the request log on.
  // The stripped-down CLPs (`Stripped`) run from homes of their own, the same but for what they lack.
  const startClp = async (dir: string, features: { log: boolean; filters: boolean }) => {
    await writeFile(
      join(dir, 'claude.json'),
      JSON.stringify({
        a: { base_url: upstream, auth_token: 'sk-bench-a', weight: 10 },
        b: { base_url: upstream, auth_token: 'sk-bench-b', weight: 5 },
        c: { base_url: upstream, auth_token: 'sk-bench-c', weight: 1, active: true },
      }),
    );
    const rules = [
      { source: 'hunter2', op: 'remove', match: 'literal' },
      { source: 'ACME-[0-9]{6}', op: 'remove' },
      { source: 'internal.example.com', target: 'host', op: 'replace', match: 'literal' },
    ];
    await writeFile(join(dir, 'filter.json'), JSON.stringify(features.filters ? rules : []));
    const detectors = features.filters ? ['anthropic', 'openai', 'aws', 'github', 'private_key', 'jwt'] : [];
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ filters: { detectors }, ...(features.log ? {} : { log: { enabled: false } }) }));
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'lb_config.json'), JSON.stringify({ mode: 'weight-based' }));
    const ports = portEnv(await freePorts());
    const proc = await launch(
      [process.execPath, join(ROOT, 'dist', 'cli.js'), 'start', '--foreground'],
      { ...env, CLP_HOME: dir, ...ports },
      0,
      /Press Ctrl\+C/,
    );
    return { proc: proc.proc, url: `http://127.0.0.1:${ports.CLP_CLAUDE_PORT}` };
  };
  const clp = await startClp(home, { log: true, filters: true });
  const strippedHomes = [await mkdtemp(join(tmpdir(), 'clp-bench-nolog-')), await mkdtemp(join(tmpdir(), 'clp-bench-bare-'))] as const;
  const nolog = await startClp(strippedHomes[0], { log: false, filters: true });
  const bare = await startClp(strippedHomes[1], { log: false, filters: false });

  const urls: Record<Target, string> = { direct: upstream, floor: `http://127.0.0.1:${floor.line.trim()}`, clp: clp.url };
  const pids = { floor: floor.proc.pid!, clp: clp.proc.pid!, nolog: nolog.proc.pid!, bare: bare.proc.pid! };
  proxies.floor = floor.proc;
  proxies.clp = clp.proc;
  proxies.nolog = nolog.proc;
  proxies.bare = bare.proc;
  // Rates are measured with the stripped-down CLPs in the same rounds.
  const rateUrls = { ...urls, nolog: nolog.url, bare: bare.url };
  const targets: Target[] = ['direct', 'floor', 'clp'];
  const small = body(300);
  const rows: Array<[string, string, string, string, string, string]> = [];
  const log = (s: string) => process.stderr.write(`${s}\n`);

  // Warm-up: JIT, keep-alive pools, the store thread.
  for (const t of targets) await fixedRate(agent, urls[t], 200, 1, small);

  log('throughput at 50 connections');
  const tp = await rates(rateUrls, pids, 50, small);
  rows.push([
    'small requests: throughput at 50 connections (req/s)',
    tp.median.direct!.toFixed(0),
    tp.median.floor!.toFixed(0),
    tp.median.clp!.toFixed(0),
    tp.ratio.toFixed(2),
    '>= 0.80',
  ]);
  rows.push(['small requests: CPU per request (us)', '-', tp.cpu.floor!.toFixed(1), tp.cpu.clp!.toFixed(1), tp.cpuRatio.toFixed(2), '<= 1.25']);
  rows.push(...strippedRows('small requests: CPU per request (us)', tp));

  const added = async (label: string, payload: string, rate: number, percentiles: Array<[string, number]>) => {
    log(label);
    const lat: Record<Target, number[]> = { direct: [], floor: [], clp: [] };
    for (let r = 0; r < LAT_ROUNDS; r++) {
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(r + i) % targets.length]!;
        alone(t);
        lat[t].push(...(await fixedRate(agent, urls[t], rate, LAT_SECONDS, payload)));
      }
    }
    alone(null);
    for (const [name, p] of percentiles) {
      const d = pct(lat.direct, p);
      const f = pct(lat.floor, p) - d;
      const c = pct(lat.clp, p) - d;
      // A negative added value is CLP beating the direct run's own hiccups: no ratio says anything then.
      const ratio = f > 0.001 && c >= 0 ? (c / f).toFixed(2) : '-';
      rows.push([`${label}: added ${name} latency (ms)`, d.toFixed(3), f.toFixed(3), c.toFixed(3), ratio, '<= 1.50']);
    }
  };
  await added('small requests at 200/s', small, 200, [
    ['p50', 0.5],
    ['p99', 0.99],
  ]);
  await added('64 KB bodies at 50/s', body(64 * 1024), 50, [['p50', 0.5]]);
  await added('256 KB bodies at 50/s', body(256 * 1024), 50, [['p50', 0.5]]);
  // Past log.bodiesPerSecond (20) the log keeps records only; at a person's pace it keeps every body,
  // compressed and written: what a Claude Code user with a long conversation pays.
  await added('256 KB bodies at 10/s, every body logged', body(256 * 1024), 10, [['p50', 0.5]]);

  log('streaming time to first byte');
  const first: Record<Target, number[]> = { direct: [], floor: [], clp: [] };
  const reads: Record<Target, number[]> = { direct: [], floor: [], clp: [] };
  // Rounds of ten streams per target: a process just resumed has a moment of catching up, which
  // should land on one stream of ten, not on each.
  for (let r = 0; r < (QUICK ? 2 : 6); r++) {
    for (const t of targets) {
      alone(t);
      for (let i = 0; i < 10; i++) {
        const x = await ttfb(urls[t], 10);
        first[t].push(x.ttfb);
        reads[t].push(x.reads);
      }
    }
  }
  alone(null);
  const fd = median(first.direct);
  rows.push([
    'stream: added time to first byte, p50 (ms)',
    fd.toFixed(3),
    (median(first.floor) - fd).toFixed(3),
    (median(first.clp) - fd).toFixed(3),
    '-',
    'clp <= 1 ms',
  ]);
  rows.push([
    'stream of 14 events 10 ms apart: reads at the client (p50)',
    String(median(reads.direct)),
    String(median(reads.floor)),
    String(median(reads.clp)),
    '-',
    'as many as events (no buffering)',
  ]);

  // Streams as Claude Code gets them: 50 deltas without delay, and a long answer of 500. Each stream
  // also carries its six framing events (message_start, block start and stop, ping, delta, stop).
  for (const deltas of [50, 500]) {
    log(`streams of ${deltas} deltas per second at 20 connections`);
    const sp = await rates(rateUrls, pids, 20, body(200, true), { 'x-bench-deltas': String(deltas) });
    const events = deltas + 6;
    rows.push([
      `streams of ${deltas} deltas per second at 20 connections`,
      sp.median.direct!.toFixed(0),
      sp.median.floor!.toFixed(0),
      sp.median.clp!.toFixed(0),
      sp.ratio.toFixed(2),
      '>= 0.80',
    ]);
    rows.push([
      `streams of ${deltas} deltas: CPU per streamed event (us)`,
      '-',
      (sp.cpu.floor! / events).toFixed(2),
      (sp.cpu.clp! / events).toFixed(2),
      sp.cpuRatio.toFixed(2),
      '<= 1.25',
    ]);
    rows.push(...strippedRows(`streams of ${deltas} deltas: CPU per streamed event (us)`, sp, events));
  }

  log('peak memory under 50 concurrent streams');
  const peak: Record<'floor' | 'clp', number> = { floor: 0, clp: 0 };
  for (const t of ['floor', 'clp'] as const) {
    const sampler = setInterval(() => (peak[t] = Math.max(peak[t], rssMb(pids[t]))), 20);
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (Date.now() < until) await ttfb(urls[t], 30);
      }),
    );
    clearInterval(sampler);
  }
  rows.push([
    'peak resident memory, 50 concurrent streams (MB)',
    '-',
    peak.floor.toFixed(1),
    peak.clp.toFixed(1),
    (peak.clp / peak.floor).toFixed(2),
    '<= 1.50',
  ]);

  log(`${STREAMS} concurrent long streams`);
  const many: Partial<Record<Target, Awaited<ReturnType<typeof manyStreams>>>> = {};
  for (const t of targets) {
    alone(t === 'direct' ? null : t);
    many[t] = await manyStreams(urls[t], () => (t === 'direct' ? 0 : rssMb(pids[t])));
  }
  alone(null);
  const [md, mf, mc] = [many.direct!, many.floor!, many.clp!];
  const manyLabel = `${STREAMS} concurrent streams of 100 deltas 20 ms apart`;
  const perTarget = (what: string, value: (m: typeof md) => string, target: string) =>
    rows.push([`${manyLabel}: ${what}`, value(md), value(mf), value(mc), '-', target]);
  perTarget('slowest gap between reads, over the 20 ms (ms)', (m) => m.worstAddedGapMs.toFixed(1), 'no stalls');
  perTarget('p99 gap between reads, over the 20 ms (ms)', (m) => m.p99AddedGapMs.toFixed(1), 'no stalls');
  perTarget('streams cut short', (m) => String(m.broken), '0');
  perTarget('streams with events merged into fewer reads', (m) => String(m.merged), 'reported');
  rows.push([
    `${manyLabel}: peak resident memory (MB)`,
    '-',
    mf.peakRssMb.toFixed(1),
    mc.peakRssMb.toFixed(1),
    (mc.peakRssMb / mf.peakRssMb).toFixed(2),
    'reported',
  ]);

  log('memory after 10,000 and 100,000 requests');
  const drive = async (t: Target, n: number) => {
    await autocannon({
      url: `${urls[t]}/v1/messages`,
      method: 'POST',
      body: small,
      headers: { 'content-type': 'application/json' },
      connections: 50,
      amount: n,
    });
    await new Promise((r) => setTimeout(r, 1500)); // let the store thread catch up
  };
  const total = QUICK ? 20_000 : 100_000;
  const mem: Record<'floor' | 'clp', [number, number]> = { floor: [0, 0], clp: [0, 0] };
  for (const t of ['floor', 'clp'] as const) {
    await drive(t, 10_000);
    mem[t][0] = rssMb(pids[t]);
    await drive(t, total - 10_000);
    mem[t][1] = rssMb(pids[t]);
  }
  rows.push([
    `resident memory after 10,000 -> ${total.toLocaleString('en')} requests (MB)`,
    '-',
    `${mem.floor[0].toFixed(1)} -> ${mem.floor[1].toFixed(1)}`,
    `${mem.clp[0].toFixed(1)} -> ${mem.clp[1].toFixed(1)}`,
    (mem.clp[1] / mem.clp[0]).toFixed(2),
    'no growth (~1.0)',
  ]);

  // The proxies are done: a month of history is timed with the owner alone on the machine.
  stopAll();
  const history = await historyRows(QUICK, log);
  rows.push(...history.rows);
  log('the dashboard under a burst of requests');
  const burst = await burstRows(QUICK, log);
  rows.push(...burst.rows);
  const team = await teamBenchRows(QUICK, log);
  rows.push(...team.rows);

  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${canPin ? ', proxies pinned to cpu 0, upstream to cpu 1 (and the load generator, for rates)' : ''}`;
  const table = [
    `CLP benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${QUICK ? ' (quick)' : ''}`,
    `machine: ${machine}`,
    `CLP as users run it: pool of 3 configs, 3 filter rules and 6 detectors, request log on (headers and bodies kept for log.bodiesPerSecond, 20 a second with a burst of 100: the rate rounds, and the latency rounds at 50/s and 200/s, run past it, and most of their requests keep their records only). The proxy not being measured is paused. Latency: ${LAT_ROUNDS} round(s) of ${LAT_SECONDS} s per target, in rotating order, percentiles over all samples; rates: ${RATE_ROUNDS} of ${RATE_SECONDS} s after one uncounted, ratio = median of the rounds' ratios, load from ${GENERATOR}. The floor: node:http in, undici Agent.dispatch out with callbacks, bundled JavaScript as CLP is. CPU: user + sys of the proxy process over the requests it served in its round. Rows marked "where the CPU goes": two more CLPs in the same rate rounds, one with the request log off, one with the log off and no filter rules or detectors (both with the same pool of three). ${history.note} ${burst.note} ${team.note}`,
    '',
    '| measure | direct | floor (added) | CLP (added) | CLP / floor | target |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const dir = join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  // A quick run is a smoke test of the bench: it never replaces the latest full table.
  if (!QUICK) await writeFile(join(dir, 'latest.md'), `${table}\n`);
  await writeFile(join(dir, `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}${QUICK ? '-quick' : ''}.md`), `${table}\n`);
  for (const dir of [home, ...strippedHomes]) await rm(dir, { recursive: true, force: true });
}

// Ctrl+C mid-run: a paused proxy would otherwise be left behind, stopped.
process.once('SIGINT', () => {
  stopAll();
  process.exit(130);
});

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    stopAll();
    void agent.close();
  });
