import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMemoryLogger } from '../../src/core/log.ts';
import { importOriginalOnce } from '../../src/core/store/import-original.ts';
import { localDay } from '../../src/core/time.ts';
import { RequestStore } from '../../src/core/store/request-store.ts';
import { Pricing } from '../../src/core/usage/pricing.ts';
import { finished } from '../helpers/records.ts';
import { tempHome } from '../helpers/home.ts';

const DAY = 86_400_000;

async function open(dataDir: string, over: Partial<Parameters<typeof RequestStore.open>[0]> = {}) {
  return RequestStore.open({ dataDir, retentionDays: 30, maxBytes: 64 * 1024 * 1024, bodyBytes: 512 * 1024, log: createMemoryLogger(), flushMs: 10, ...over });
}

test('records are stored, summed by config, model and day, listed newest first, and shown in detail', async () => {
  const { home, cleanup } = await tempHome();
  const store = await open(home);
  const now = Date.now();
  const a = finished({ started_at: now - 3000, config: 'prod', model_sent: 'm1', cost_usd: 0.5 });
  const b = finished({ started_at: now - 2000, config: 'prod', model_sent: 'm2', cost_usd: null, error: 'http_529' });
  const c = finished({ started_at: now - 1000, service: 'codex', config: 'dev', model_sent: 'gpt-5', cost_usd: 0.25, usage: null });
  for (const f of [a, b, c]) store.add(f);
  await store.flush();

  const byConfig = await store.usage({ by: 'config' });
  assert.deepEqual(byConfig.services.claude.total, {
    requests: 2,
    input: 20,
    cached_create: 40,
    cached_read: 60,
    output: 80,
    reasoning: 0,
    total: 200,
    cost_usd: 0.5,
    unpriced: 1,
    estimated: 0,
    errors: 1,
  });
  assert.deepEqual(Object.keys(byConfig.services.claude.configs!), ['prod']);
  assert.equal(byConfig.services.codex.total.requests, 1);
  assert.equal(byConfig.services.codex.total.cost_usd, 0.25);
  const byModel = await store.usage({ by: 'model', service: 'claude' });
  assert.deepEqual(Object.keys(byModel.services.claude.models!).sort(), ['m1', 'm2']);
  assert.equal(byModel.services.codex, undefined);
  const byDay = await store.usage({ by: 'day' });
  assert.deepEqual(Object.keys(byDay.services.claude.days!), [localDay(now - 3000)]);
  const lastHour = await store.usage({ by: 'config', sinceMs: now - 2500 });
  assert.equal(lastHour.services.claude.total.requests, 1);

  const logs = await store.logs({ limit: 10 });
  assert.deepEqual(
    logs.map((r) => r.id),
    [c.record.id, b.record.id, a.record.id],
  );
  assert.deepEqual(logs[2], a.record);
  const detail = await store.log(a.record.id.slice(0, 8));
  assert.equal(detail?.request_body, '{"model":"claude-sonnet-4-5","messages":[]}');
  assert.equal(detail?.request_headers.authorization, '[removed]');
  assert.match(detail!.response_body!, /message_stop/);
  assert.equal(await store.log('nope-not-there'), null);
  await store.close();
  await cleanup();
});

test('bodies over the cap are cut and marked truncated', async () => {
  const { home, cleanup } = await tempHome();
  const store = await open(home, { bodyBytes: 100 });
  const f = finished({}, { request: Buffer.from('x'.repeat(1000)), response: Buffer.from('y'.repeat(50)) });
  store.add(f);
  await store.flush();
  const d = await store.log(f.record.id);
  assert.equal(d?.request_body, 'x'.repeat(100));
  assert.equal(d?.request_body_truncated, true);
  assert.equal(d?.response_body, 'y'.repeat(50));
  assert.equal(d?.response_body_truncated, false);
  await store.close();
  await cleanup();
});

test('a large body is stored compressed and comes back byte for byte', async () => {
  const { home, cleanup } = await tempHome();
  const store = await open(home, {});
  const text = JSON.stringify({
    messages: Array.from({ length: 300 }, (_, i) => ({ role: 'user', content: `line ${i}: caf\u00e9 \u{1F600} the same words again and again` })),
  });
  const f = finished({}, { request: Buffer.from(text) });
  store.add(f);
  await store.flush();
  assert.equal((await store.log(f.record.id))?.request_body, text);
  let stored = 0;
  for (const name of await readdir(join(home, 'log'))) if (name.endsWith('.body')) stored += (await stat(join(home, 'log', name))).size;
  assert.ok(stored < Buffer.byteLength(text) / 4, `stored ${stored} bytes for a ${Buffer.byteLength(text)}-byte body`);
  await store.close();
  await cleanup();
});

test('everything survives a close and reopen', async () => {
  const { home, cleanup } = await tempHome();
  let store = await open(home);
  const f = finished();
  store.add(f);
  await store.close();
  assert.ok((await stat(join(home, 'totals.json'))).size > 0);
  store = await open(home);
  assert.deepEqual((await store.logs({ limit: 5 }))[0], f.record);
  await store.close();
  await cleanup();
});

test('retention by age removes old rows but daily totals outlive it', async () => {
  const { home, cleanup } = await tempHome();
  const now = Date.now();
  const store = await open(home, { retentionDays: 7, now: () => now });
  store.add(finished({ started_at: now - 10 * DAY }));
  store.add(finished({ started_at: now - 1 * DAY }));
  await store.flush();
  await store.maintain(now);
  assert.equal((await store.logs({ limit: 10 })).length, 1);
  const all = await store.usage({ by: 'day' });
  assert.equal(all.services.claude.total.requests, 2, 'the daily totals still count the removed request');
  assert.equal(Object.keys(all.services.claude.days!).length, 2);
  await store.close();
  await cleanup();
});

async function logBytes(home: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(join(home, 'log'))) n += (await stat(join(home, 'log', f))).size;
  return n;
}

test('the byte budget drops the oldest bodies first, then rows, and the log shrinks on disk', async () => {
  const { home, cleanup } = await tempHome();
  const now = Date.now();
  const budget = 2 * 1024 * 1024;
  const store = await open(home, { maxBytes: budget, now: () => now });
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) {
    const f = finished({ started_at: now - (120 - i) * 1000 }, { request: randomBytes(60 * 1024) }); // incompressible
    ids.push(f.record.id);
    store.add(f);
  }
  await store.flush();
  const before = await logBytes(home);
  assert.ok(before > budget * 2, `the test wrote ${before} bytes`);
  await store.maintain(now);
  const after = await logBytes(home);
  assert.ok(after <= budget * 1.1, `the log is ${after} bytes after retention, budget ${budget}`);
  assert.ok(after < before / 2);
  assert.equal((await store.logs({ limit: 1000 })).length, 120, 'rows stay while there are bodies to drop');
  assert.equal((await store.log(ids[0]!))?.request_body, null, 'the oldest body went');
  assert.notEqual((await store.log(ids.at(-1)!))?.request_body, null, 'the newest body stayed');
  assert.equal((await store.usage({ by: 'config' })).services.claude.total.requests, 120);
  await store.close();
  await cleanup();
});

test("the original tool's request log and usage history are imported once", async () => {
  const { home, cleanup } = await tempHome();
  await mkdir(home, { recursive: true });
  const body = Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5-20250929', messages: [] })).toString('base64');
  const lines = [
    {
      timestamp: '2025-10-01T10:00:00',
      service: 'claude',
      method: 'POST',
      path: 'https://relay.example.com/v1/messages?key=sk-x',
      status_code: 200,
      duration_ms: 900,
      channel: 'relay-a',
      target_headers: { authorization: 'Bearer sk-leak' },
      filtered_body: body,
      usage: { service: 'claude', metrics: { input: 5, cached_create: 100, cached_read: 1000, output: 50, reasoning: 0, total: 55 } },
    },
    {
      timestamp: '2025-10-02T11:00:00',
      service: 'codex',
      method: 'POST',
      path: 'https://relay.example.com/v1/responses',
      status_code: 500,
      duration_ms: 10,
      channel: 'c',
      usage: { service: 'codex', metrics: { input: 1000, cached_create: 0, cached_read: 800, output: 20, reasoning: 5, total: 1020 } },
    },
    'not json',
  ];
  await writeFile(join(home, 'proxy_requests.jsonl'), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  await writeFile(
    join(home, 'history_usage.json'),
    JSON.stringify({ claude: { 'relay-a': { input: 7, cached_create: 0, cached_read: 0, output: 3, reasoning: 0, total: 10 } }, codex: {} }),
  );
  const log = createMemoryLogger();
  const pricing = new Pricing(join(home, 'prices.json'), log);
  let store = await open(home, { retentionDays: 3650 }); // the imported rows are from 2025
  await importOriginalOnce(store, home, log, pricing);
  await importOriginalOnce(store, home, log, pricing);
  const rows = await store.logs({ limit: 10 });
  assert.equal(rows.length, 2);
  const claude = rows.find((r) => r.service === 'claude')!;
  assert.equal(claude.model_sent, 'claude-sonnet-4-5-20250929');
  assert.equal(claude.path, '/v1/messages');
  assert.equal(claude.usage?.total, 1155);
  assert.ok(claude.cost_usd! > 0);
  const codex = rows.find((r) => r.service === 'codex')!;
  assert.deepEqual([codex.usage?.input, codex.usage?.cached_read, codex.error], [200, 800, 'http_500']);
  const usage = await store.usage({ by: 'config' });
  assert.equal(usage.services.claude.configs!['relay-a']!.output, 53, 'log row plus history total');
  await store.close();
  store = await open(home, { retentionDays: 3650 });
  await importOriginalOnce(store, home, log, pricing);
  assert.equal((await store.logs({ limit: 10 })).length, 2, 'not imported twice after a restart');
  for (const file of [join(home, 'totals.json'), ...(await readdir(join(home, 'log'))).map((f) => join(home, 'log', f))]) {
    assert.ok(!(await readFile(file)).includes('sk-leak'), `the original's plaintext keys are not imported (${file})`);
  }
  await store.close();
  await cleanup();
});

test('bodies of every size in one batch, compressed in place or on the thread pool, come back byte for byte', async () => {
  const { home, cleanup } = await tempHome();
  const store = await open(home, {});
  const text = (n: number, seed: number) => Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => `caf\u00e9 \u{1F600} ${seed}:${i} again`)));
  // Past 256 KB of small-enough bodies in one batch, the rest goes to the pool too.
  const sizes = [1, 100, 800, 12_000, 30, ...Array.from({ length: 12 }, () => 1_000)];
  const all = sizes.map((n, i) => finished({}, { request: text(n, i), response: text(Math.ceil(n / 3), i + 100) }));
  for (const f of all) store.add(f);
  await store.flush();
  for (const [i, f] of all.entries()) {
    const d = await store.log(f.record.id);
    assert.equal(d?.request_body, f.detail().requestBody!.toString('utf8'), `request ${i}`);
    assert.equal(d?.response_body, f.detail().responseBody.toString('utf8'), `response ${i}`);
  }
  let stored = 0;
  for (const name of await readdir(join(home, 'log'))) if (name.endsWith('.body')) stored += (await stat(join(home, 'log', name))).size;
  const raw = all.reduce((n, f) => n + f.detail().requestBody!.length + f.detail().responseBody.length, 0);
  assert.ok(stored < raw / 4, `stored ${stored} bytes for ${raw} bytes of bodies`);
  await store.close();
  await cleanup();
});

test('a torn last line (a crash mid-append) is cut off and the log goes on', async () => {
  const { home, cleanup } = await tempHome();
  let store = await open(home);
  const a = finished();
  store.add(a);
  await store.close();
  const rec = join(home, 'log', '00000001.rec');
  await writeFile(rec, `${await readFile(rec, 'utf8')}{"id":"torn-li`);
  store = await open(home);
  const b = finished();
  store.add(b);
  await store.flush();
  assert.deepEqual((await store.logs({ limit: 10 })).map((r) => r.id).sort(), [a.record.id, b.record.id].sort());
  assert.equal((await store.log(b.record.id))?.request_body, '{"model":"claude-sonnet-4-5","messages":[]}');
  await store.close();
  await cleanup();
});

test('a torn last line is cut off in a segment far larger than the part read at start, and the newest request stays known', async () => {
  const { home, cleanup } = await tempHome();
  let store = await open(home);
  const now = Date.now();
  // Some 400 KB of lines: the open reads only the last 128 KB of a segment.
  const all = Array.from({ length: 1500 }, (_, i) => finished({ started_at: now - 1_500_000 + i * 1000 }));
  for (const f of all) store.add(f);
  await store.close();
  const rec = join(home, 'log', '00000001.rec');
  const whole = await readFile(rec);
  assert.ok(whole.length > 2 * 128 * 1024, `${whole.length} bytes of lines`);
  await writeFile(rec, Buffer.concat([whole, Buffer.from('{"id":"torn-li')]));
  store = await open(home);
  assert.equal((await stat(rec)).size, whole.length, 'cut back to the last whole line');
  const b = finished({ started_at: now });
  store.add(b);
  const rows = await store.logs({ limit: 1000, sinceMs: now - 1000 });
  assert.deepEqual(
    rows.map((r) => r.id),
    [b.record.id, all.at(-1)!.record.id],
  );
  assert.equal((await store.logs({ limit: 2000 })).length, 1501);
  await store.close();
  await cleanup();
});

test('lines an earlier CLP wrote (keyed records) are still listed, found by id and shown with their bodies', async () => {
  const { home, cleanup } = await tempHome();
  let store = await open(home);
  const fresh = finished();
  store.add(fresh);
  await store.close();
  const rec = join(home, 'log', '00000001.rec');
  const old = finished({ started_at: Date.now() - 5000 }).record;
  const blob = await readFile(join(home, 'log', '00000001.body'));
  // The earlier format, pointing at the fresh line's blob.
  const line = `{"id":${JSON.stringify(old.id)},"d":"${localDay(old.started_at)}","b":[0,${blob.length}],"r":${JSON.stringify(old)}}\n`;
  await writeFile(rec, line + (await readFile(rec, 'utf8')));
  store = await open(home);
  assert.deepEqual(
    (await store.logs({ limit: 10 })).map((r) => r.id),
    [fresh.record.id, old.id],
  );
  const detail = await store.log(old.id.slice(0, 8));
  assert.equal(detail?.model_sent, old.model_sent);
  assert.equal(detail?.request_body, '{"model":"claude-sonnet-4-5","messages":[]}');
  assert.equal((await store.log(fresh.record.id))?.id, fresh.record.id);
  await store.close();
  await cleanup();
});

test('a read sees every finished request, even one still waiting for its batch to be written', async () => {
  const { home, cleanup } = await tempHome();
  const store = await open(home, { flushMs: 60_000 });
  const a = finished();
  store.add(a);
  assert.deepEqual(
    (await store.logs({ limit: 10 })).map((r) => r.id),
    [a.record.id],
  );
  assert.equal((await store.usage({ by: 'config' })).services.claude.total.requests, 1);
  await store.close();
  await cleanup();
});

test('past its budget of queued bodies the log keeps every record without its bodies, and says so', async () => {
  const { home, cleanup } = await tempHome();
  const store = await open(home, { maxBytes: 512 * 1024 * 1024 });
  const big = Buffer.alloc(500 * 1024, 0x61);
  const all = Array.from({ length: 100 }, () => finished({}, { request: big, response: big }));
  for (const f of all) store.add(f); // faster than any disk: nothing has been written yet
  await store.flush();
  const rows = await store.logs({ limit: 1000 });
  assert.equal(rows.length, 100, 'every record is kept');
  const shed = rows.filter((r) => r.bodies_shed);
  assert.ok(shed.length > 0 && shed.length < 100, `${shed.length} records shed their bodies`);
  const kept = rows.find((r) => !r.bodies_shed)!;
  assert.equal((await store.log(kept.id))!.request_body!.length, big.length);
  const lost = (await store.log(shed[0]!.id))!;
  assert.equal(lost.request_body, null);
  assert.equal(lost.bodies_shed, true);
  await store.close();
  await cleanup();
});

test('past its rate the log keeps every record and builds no bodies for the rest, says so, and keeps bodies again once the rate allows', async () => {
  const { home, cleanup } = await tempHome();
  let clock = Date.now();
  const store = await open(home, { bodiesPerSecond: 10, now: () => clock });
  let built = 0;
  // Each request asks at its start, as the proxy does; the answer rides on the finished request.
  const counted = () => {
    const f = finished();
    const detail = f.detail;
    return { ...f, bodies: store.takeBodySlot(), detail: () => (built++, detail()) };
  };
  const burst = Array.from({ length: 80 }, counted); // 80 at one instant: the bucket holds 5 s of 10/s
  for (const f of burst) store.add(f);
  assert.equal(built, 50, 'the bodies past the burst are never built');
  clock += 1000; // one second later: room for ten more
  const later = Array.from({ length: 12 }, counted);
  for (const f of later) store.add(f);
  assert.equal(built, 60);
  await store.flush();
  const rows = await store.logs({ limit: 1000 });
  assert.equal(rows.length, 92, 'every record is kept');
  const shed = new Set(rows.filter((r) => r.bodies_shed).map((r) => r.id));
  assert.deepEqual(
    [...burst, ...later].map((f) => shed.has(f.record.id)),
    [...Array.from({ length: 80 }, (_, i) => i >= 50), ...Array.from({ length: 12 }, (_, i) => i >= 10)],
  );
  const kept = (await store.log(later[9]!.record.id))!;
  assert.equal(kept.request_body, '{"model":"claude-sonnet-4-5","messages":[]}');
  const lost = (await store.log(later[10]!.record.id))!;
  assert.equal(lost.request_body, null);
  assert.equal(lost.bodies_shed, true);
  assert.equal((await store.usage({ by: 'config' })).services.claude.total.requests, 92, 'totals count the shed ones too');
  await store.close();
  await cleanup();
});

/** A store that wrote yesterday's request, then had its log folder deleted under it. */
async function storeWithLogDeleted() {
  const { home, cleanup } = await tempHome();
  const log = createMemoryLogger();
  const store = await open(home, { log });
  const now = Date.now();
  store.add(finished({ started_at: now - DAY }));
  await store.flush();
  await rm(join(home, 'log'), { recursive: true, force: true });
  return { home, cleanup, log, store, now };
}

test('the log folder deleted under a running store is made again at the next batch, and the log goes on', async () => {
  const { cleanup, log, store, now } = await storeWithLogDeleted();
  // The same day: the open files were unlinked with their folder, and nothing written to them is kept.
  const sameDay = finished({ started_at: now - DAY + 1 });
  store.add(sameDay);
  await store.flush();
  // A new day starts a new segment: its files are opened in the folder that is gone.
  const today = finished({ started_at: now });
  store.add(today);
  await store.flush();
  const later = finished({ started_at: now + 1 });
  store.add(later);
  await store.flush();
  assert.deepEqual(
    (await store.logs({ limit: 10 })).map((r) => r.id),
    [later.record.id, today.record.id, sameDay.record.id],
  );
  assert.deepEqual(
    log.lines.filter((l) => l.startsWith('error')),
    [],
  );
  await store.close();
  await cleanup();
});

test('a log that cannot be written says so once, not per batch, writes again once it can, and says how many batches were lost', async () => {
  const { home, cleanup, log, store, now } = await storeWithLogDeleted();
  // The folder replaced by a file: no segment can be opened until it is a folder again.
  await writeFile(join(home, 'log'), 'not a folder');
  for (let i = 0; i < 5; i++) {
    store.add(finished({ started_at: now + i }));
    // Batches written in the background, as the proxy's are.
    await new Promise((r) => setTimeout(r, 40));
  }
  const errors = log.lines.filter((l) => l.startsWith('error'));
  assert.equal(errors.length, 1, log.lines.join('\n'));
  assert.match(errors[0]!, /request store: .*log/);
  await rm(join(home, 'log'));
  const back = finished({ started_at: now + 10 });
  store.add(back);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((await store.logs({ limit: 1 }))[0]?.id, back.record.id);
  assert.ok(
    log.lines.some((l) => /^info request store: writing again; 5 batch\(es\) could not be written/.test(l)),
    log.lines.join('\n'),
  );
  await store.close();
  await cleanup();
});
