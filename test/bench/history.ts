// The month-of-history part of `npm run bench`: a request log generated as 30 days of a heavy user
// with subagents (10,000 requests a day, bodies on the recent ones, inside the 256 MB budget), then
// what a user waits for on it: the owner's start, `clp logs`, `clp usage --by model --since 30d`,
// and the dashboard's Requests and Usage pages in Chromium. Each is also timed on an empty log, so
// the cost of the history shows apart from the cost of starting a process.
import { spawn, execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RequestRecord } from '../../src/shared/records.ts';
import { createMemoryLogger } from '../../src/core/log.ts';
import { RequestStore } from '../../src/core/store/request-store.ts';
import { freePorts, portEnv } from '../helpers/home.ts';
import { launchChromium } from '../helpers/browser.ts';
import { median, rssMb } from './measure.ts';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DAY = 86_400_000;

/** A conversation body as Claude Code sends it: system prompt, tools, turns (compresses like the real ones). */
function conversation(turns: number, seed: number): Buffer {
  const messages = Array.from({ length: turns }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: [
      {
        type: 'text',
        text: `turn ${i} of session ${seed}: ${'read src/core/store/segments.ts and explain the retention pass; '.repeat(6)}${(seed * 7919 + i).toString(36)}`,
      },
    ],
  }));
  return Buffer.from(JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 32000, stream: true, system: 'You are Claude Code. '.repeat(200), messages }));
}

const answer = Buffer.from(
  'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-opus-4-8","usage":{"input_tokens":3,"cache_read_input_tokens":41000}}}\n\n'.repeat(
    2,
  ) + 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Reading the file now. "}}\n\n'.repeat(40),
);

function record(i: number, startedAt: number): RequestRecord {
  const sub = i % 3 !== 0; // two of three requests are subagents on a small model
  const model = sub ? 'claude-haiku-4-5-20251001' : 'claude-opus-4-8';
  const failed = i % 97 === 0;
  return {
    id: `${startedAt.toString(16)}-${i.toString(16).padStart(8, '0')}-4000-8000-${(i * 2654435761).toString(16).slice(0, 12).padStart(12, '0')}`,
    started_at: startedAt,
    service: i % 10 === 0 ? 'codex' : 'claude',
    config: ['relay-a', 'relay-b', '中转站'][i % 3]!,
    model_requested: model,
    model_sent: model,
    model_answered: model,
    method: 'POST',
    path: '/v1/messages',
    status: failed ? 529 : 200,
    error: failed ? 'http_529' : null,
    duration_ms: 4000 + (i % 5000),
    ttfb_ms: 600 + (i % 900),
    bytes_in: 180_000,
    bytes_out: 9_000,
    stream: true,
    session_id: `5e55${(Math.floor(i / 400) * 2654435761).toString(16).padStart(28, '0').slice(0, 28)}`,
    usage: failed
      ? null
      : { input: 3, cached_create: 1200, cached_read: 41_000, output: 700 + (i % 900), reasoning: 0, total: 42_903 + (i % 900), cache_5m: 1200, cache_1h: 0 },
    cost_usd: failed ? null : 0.0123 + (i % 100) / 10_000,
    trace: failed ? [{ kind: 'attempt', config: 'relay-b', outcome: 'http 529', ms: 412 }] : null,
  };
}

/** Writes `count` requests spread over the last 30 days into a log in `home`; bodies on the newest `withBodies`. */
export async function generate(home: string, count: number, withBodies: number): Promise<{ bytes: number; kept: number }> {
  const dataDir = join(home, 'data');
  await mkdir(dataDir, { recursive: true });
  const store = await RequestStore.open({
    dataDir,
    retentionDays: 30,
    maxBytes: 256 * 1024 * 1024,
    bodyBytes: 512 * 1024,
    log: createMemoryLogger(),
  });
  const start = Date.now() - 30 * DAY + 60_000;
  const step = (30 * DAY - 120_000) / count;
  const bodies = Array.from({ length: 16 }, (_, k) => conversation(40 + k * 4, k));
  for (let i = 0; i < count; i++) {
    const r = record(i, Math.floor(start + i * step));
    const body = i >= count - withBodies;
    store.add({
      record: r,
      bodies: true,
      detail: () => ({
        requestHeaders: { 'content-type': 'application/json', 'user-agent': 'claude-cli/2.1.332', 'x-api-key': '[removed]' },
        responseHeaders: { 'content-type': 'text/event-stream', 'request-id': `req_${i}` },
        requestBody: body ? bodies[i % bodies.length]! : null,
        upstreamBody: null,
        responseBody: body ? answer : Buffer.alloc(0),
        responseTruncated: false,
      }),
    });
    if (i % 256 === 255) await store.flush();
  }
  await store.close();
  let bytes = 0;
  for (const f of await readdir(join(dataDir, 'log'))) bytes += (await stat(join(dataDir, 'log', f))).size;
  const reopened = await RequestStore.open({ dataDir, retentionDays: 30, maxBytes: 256 * 1024 * 1024, bodyBytes: 512 * 1024, log: createMemoryLogger() });
  const kept = (await reopened.logs({ limit: count + 1000 })).length;
  await reopened.close();
  return { bytes, kept };
}

interface Owner {
  startMs: number;
  pid: number;
  ui: string;
  env: NodeJS.ProcessEnv;
  stop: () => Promise<void>;
}

/** Starts the owner in the foreground on free ports and times it until it says it serves. */
export async function startOwner(home: string): Promise<Owner> {
  const ports = portEnv(await freePorts());
  const env = { ...process.env, CLP_HOME: home, ...ports };
  const t = performance.now();
  const proc = spawn(process.execPath, [CLI, 'start', '--foreground'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      if (/Press Ctrl\+C/.test(out)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`clp start exited (${code})`)));
  });
  const startMs = performance.now() - t;
  return {
    startMs,
    pid: proc.pid!,
    ui: `http://127.0.0.1:${ports.CLP_UI_PORT}`,
    env,
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

async function cliMs(owner: Owner, args: string[], rounds: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await run(process.execPath, [CLI, ...args], { env: owner.env, maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t);
  }
  return median(times);
}

/** The time from a reload of a dashboard page to its first rows, in Chromium. */
/** What a page's first rows are: a table row of the log, or (on an empty log) the page's empty state. */
const READY = {
  requests: { rows: 'tr.record', empty: '.list .empty' },
  usage: { rows: '.usage-table tbody tr', empty: 'div.empty' },
} as const;

/**
 * Each page's reload to first rows, timed inside the page: from the navigation's start to the first
 * animation frame after its first rows are in the document (a MutationObserver installed before the
 * page's own scripts). Timing from the test's side would add Playwright's polling, ~50-90 ms here.
 * Nor does the bench wait with a locator: its selector engine (~200 KB of script) is evaluated in each
 * new document when first used, ~30 ms of the page's main thread just as the rows arrive (a Chromium
 * trace showed it), which no user's browser runs. One plain evaluate awaits the page's own promise.
 */
async function firstPaint(owner: Owner, home: string, rounds: number, hasRows: boolean): Promise<{ requests: number; usage: number }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const selectors = Object.values(READY).map((r) => (hasRows ? r.rows : r.empty));
    await page.addInitScript(`(() => {
      const wanted = ${JSON.stringify(selectors)};
      window.__painted = {};
      const done = {};
      window.__ready = Object.fromEntries(wanted.map((s) => [s, new Promise((resolve) => (done[s] = resolve))]));
      const check = () => {
        for (const s of wanted) if (!(s in window.__painted) && document.querySelector(s)) {
          window.__painted[s] = -1;
          requestAnimationFrame(() => done[s]((window.__painted[s] = performance.now())));
        }
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true });
    })()`);
    const token = (await readFile(join(home, 'run', 'token'), 'utf8')).trim();
    await page.goto(`${owner.ui}/#token=${token}`);
    await page.locator('nav.nav').waitFor();
    const timed = async (hash: keyof typeof READY) => {
      const ready = hasRows ? READY[hash].rows : READY[hash].empty;
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        await page.evaluate(`history.replaceState(null, '', '#${hash}')`);
        await page.reload();
        const painted = `Promise.race([window.__ready[${JSON.stringify(ready)}], new Promise((_, no) => setTimeout(() => no(new Error('no ${ready} in 30 s')), 30000))])`;
        times.push(Number(await page.evaluate(painted)));
      }
      return median(times);
    };
    return { requests: await timed('requests'), usage: await timed('usage') };
  } finally {
    await browser.close();
  }
}

type Row = [string, string, string, string, string, string];

/** The month-of-history rows of the bench table: [measure, empty log, -, month of history, ratio, target]. */
export async function historyRows(quick: boolean, log: (s: string) => void): Promise<{ rows: Row[]; note: string }> {
  const count = quick ? 30_000 : 300_000;
  const withBodies = quick ? 2_000 : 20_000;
  const empty = await mkdtemp(join(tmpdir(), 'clp-bench-empty-'));
  const full = await mkdtemp(join(tmpdir(), 'clp-bench-month-'));
  try {
    log(`generating a month of history (${count.toLocaleString('en')} requests, bodies on the newest ${withBodies.toLocaleString('en')})`);
    const t = performance.now();
    const made = await generate(full, count, withBodies);
    log(
      `  ${(made.bytes / 1048576).toFixed(0)} MB on disk, ${made.kept.toLocaleString('en')} requests kept, in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    const rounds = quick ? 2 : 5;
    const measure = async (home: string, hasRows: boolean) => {
      const starts: number[] = [];
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const o = await startOwner(home);
        starts.push(o.startMs);
        await o.stop();
      }
      const owner = await startOwner(home);
      try {
        const logs = await cliMs(owner, ['logs'], rounds);
        const usage = await cliMs(owner, ['usage', '--by', 'model', '--since', '30d'], rounds);
        const paint = await firstPaint(owner, home, rounds, hasRows);
        return { start: median(starts), logs, usage, paint, rss: rssMb(owner.pid) };
      } finally {
        await owner.stop();
      }
    };
    log('  on an empty log');
    const e = await measure(empty, false);
    log('  on the month of history');
    const m = await measure(full, true);
    const label = `month of history (${made.kept.toLocaleString('en')} requests, ${(made.bytes / 1048576).toFixed(0)} MB)`;
    const row = (what: string, a: number, b: number, target: string, unit = 'ms'): Row => [
      `${label}: ${what} (${unit})`,
      a.toFixed(0),
      '-',
      b.toFixed(0),
      (b / a).toFixed(2),
      target,
    ];
    return {
      rows: [
        row('owner start, to serving', e.start, m.start, '< 1000 ms'),
        row('`clp logs`, whole command', e.logs, m.logs, '< 200 ms'),
        row('`clp usage --by model --since 30d`, whole command', e.usage, m.usage, '< 200 ms'),
        row('dashboard Requests page, reload to first rows', e.paint.requests, m.paint.requests, '< 200 ms'),
        row('dashboard Usage page, reload to first rows', e.paint.usage, m.paint.usage, '< 200 ms'),
        [
          `${label}: owner resident memory after these (MB)`,
          e.rss.toFixed(1),
          '-',
          m.rss.toFixed(1),
          (m.rss / e.rss).toFixed(2),
          'not growing with the log (~1.0)',
        ],
      ],
      note: 'Month-of-history rows: the "direct" column is the same measure on an empty log, the "CLP" column on the month of history; CLI commands are timed whole (node start included), pages in Chromium from reload to first rows (timed in the page: navigation start to the first animation frame after the rows are in the document).',
    };
  } finally {
    await rm(empty, { recursive: true, force: true });
    await rm(full, { recursive: true, force: true });
  }
}

// Run alone: `node --import tsx test/bench/history.ts [--quick]`.
if (require.main === module) {
  historyRows(process.argv.includes('--quick'), (s) => process.stderr.write(`${s}\n`))
    .then(({ rows }) => {
      for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
