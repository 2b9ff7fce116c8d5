// The team-mode part of `npm run bench`, against a real PostgreSQL (Debian's, in a temporary data
// directory): how many records one database ingests from 50 members shipping at once, through CLP's
// own link (outbox, rows, batched idempotent inserts), and what team mode adds to a proxied request's
// latency (it must add nothing measurable: shipping is off the request path).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { createMemoryLogger } from '../../src/core/log.ts';
import { TeamLink } from '../../src/core/team/link.ts';
import type { RequestRecord } from '../../src/shared/records.ts';
import { freePorts, portEnv } from '../helpers/home.ts';
import { TestPostgres } from '../helpers/postgres.ts';
import { fixedRate } from './measure.ts';
import { launch, startUpstream } from './procs.ts';

const ROOT = join(__dirname, '..', '..');
const MEMBERS = 50;

type Row = [string, string, string, string, string, string];

function record(i: number, now: number): RequestRecord {
  return {
    id: randomUUID(),
    started_at: now - 60_000 + i,
    service: 'claude',
    config: 'relay',
    model_requested: 'claude-opus-5-5',
    model_sent: 'claude-opus-5-5',
    model_answered: 'claude-opus-5-5',
    method: 'POST',
    path: '/v1/messages',
    status: 200,
    error: null,
    duration_ms: 1200,
    ttfb_ms: 300,
    stream: true,
    usage: { input: 3, cached_create: 2849, cached_read: 9493, output: 527, reasoning: 0, total: 12872, cache_5m: null, cache_1h: 2849 },
    cost_usd: 0.0345,
    session_id: `sess-${i % 40}`,
    client: 'claude-cli/2.1.332',
  } as RequestRecord;
}

/** 50 members' links, each with `perMember` records waiting: the time until the database holds them all. */
async function ingest(db: TestPostgres, perMember: number, log: (s: string) => void): Promise<{ rate: number; seconds: number; rows: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'clp-bench-team-'));
  const now = Date.now();
  const links = Array.from(
    { length: MEMBERS },
    (_, m) =>
      new TeamLink({
        url: db.url,
        schema: 'clp',
        sender: { member: `member-${m}`, machine: `box-${m}` },
        shareBodies: false,
        cursorFile: join(dir, `cursor-${m}.json`),
        log: createMemoryLogger(),
        now: Date.now,
        readLog: async () => [],
        accounts: () => [],
        apply: () => undefined,
        tickMs: 5,
      }),
  );
  // Connect and migrate first: the figure is the ingest, not the first connection.
  await Promise.all(links.map((l) => l.start()));
  while (!links.every((l) => l.status().state === 'up')) await new Promise((r) => setTimeout(r, 20));
  log(`team: ${MEMBERS} members shipping ${perMember} records each`);
  const t0 = performance.now();
  for (const l of links) for (let i = 0; i < perMember; i++) l.add(record(i, now));
  const total = MEMBERS * perMember;
  while (links.reduce((n, l) => n + l.status().shipped, 0) < total) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(links.map((l) => l.stop()));
  const rows = Number((await db.query('SELECT count(*) n FROM clp.requests')).rows[0]!.n);
  await rm(dir, { recursive: true, force: true });
  return { rate: total / seconds, seconds, rows };
}

/** Two CLPs on one upstream, one in team mode: added latency at 200 req/s, in alternating rounds. */
async function latency(db: TestPostgres, quick: boolean, log: (s: string) => void): Promise<{ off: number[]; on: number[]; shipped: number; served: number }> {
  const procs: ChildProcess[] = [];
  const homes: string[] = [];
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  try {
    const up = await startUpstream(null);
    procs.push(up.proc);
    const urls: Record<'off' | 'on', string> = { off: '', on: '' };
    for (const mode of ['off', 'on'] as const) {
      const home = await mkdtemp(join(tmpdir(), `clp-bench-team-${mode}-`));
      homes.push(home);
      await writeFile(join(home, 'claude.json'), JSON.stringify({ relay: { base_url: up.url, auth_token: 'sk-bench', active: true } }));
      const ports = portEnv(await freePorts());
      const env = { ...process.env, CLP_HOME: home, ...ports, ...(mode === 'on' ? { CLP_TEAM_URL: db.url, CLP_TEAM_MEMBER: 'bench' } : {}) };
      procs.push((await launch([process.execPath, join(ROOT, 'dist', 'cli.js'), 'start', '--foreground'], env, null, /Press Ctrl\+C/)).proc);
      urls[mode] = `http://127.0.0.1:${ports.CLP_CLAUDE_PORT}`;
    }
    const payload = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'x'.repeat(200) }] });
    log('team: added latency with team mode on, 200 req/s');
    for (const mode of ['off', 'on'] as const) await fixedRate(agent, urls[mode], 200, 1, payload);
    const lat = { off: [] as number[], on: [] as number[] };
    const rounds = quick ? 2 : 12;
    let served = 200;
    for (let r = 0; r < rounds; r++)
      for (const mode of r % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        const xs = await fixedRate(agent, urls[mode], 200, 1.5, payload);
        lat[mode].push(...xs);
        if (mode === 'on') served += 300;
      }
    // Everything team mode served reached the database meanwhile (it ships every second).
    await new Promise((r) => setTimeout(r, 3000));
    const shipped = Number((await db.query("SELECT count(*) n FROM clp.requests WHERE member = 'bench'")).rows[0]!.n);
    return { ...lat, shipped, served };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await agent.close();
    await new Promise((r) => setTimeout(r, 500));
    for (const h of homes) await rm(h, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

export async function teamBenchRows(quick: boolean, log: (s: string) => void): Promise<{ rows: Row[]; note: string }> {
  const db = await TestPostgres.start({ maxConnections: 200 });
  try {
    const perMember = quick ? 400 : 4000;
    const ing = await ingest(db, perMember, log);
    const lat = await latency(db, quick, log);
    const rows: Row[] = [
      [
        `team: records one database ingests from ${MEMBERS} members at once (records/s)`,
        '-',
        '-',
        ing.rate.toFixed(0),
        '-',
        `reported (${(MEMBERS * perMember).toLocaleString('en')} in ${ing.seconds.toFixed(1)} s, ${ing.rows.toLocaleString('en')} rows)`,
      ],
    ];
    for (const [name, p] of [
      ['p50', 0.5],
      ['p99', 0.99],
    ] as const) {
      const off = pct(lat.off, p);
      const on = pct(lat.on, p);
      rows.push([`team mode on: added ${name} latency at 200 req/s (ms)`, off.toFixed(3), '-', (on - off).toFixed(3), '-', 'none measurable']);
    }
    rows.push(['team mode on: records in the database after the rounds', '-', '-', `${lat.shipped} of ${lat.served}`, '-', 'all']);
    return {
      rows,
      note: `Team: PostgreSQL ${db.version} on this machine (fsync off), ${MEMBERS} TeamLinks shipping batches of up to 500; latency from two CLPs on one upstream, team mode off and on, in alternating rounds of 1.5 s, "direct" column = team off.`,
    };
  } finally {
    await db.close();
  }
}
