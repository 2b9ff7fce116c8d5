import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMemoryLogger } from '../../src/core/log.ts';
import { RequestStore } from '../../src/core/store/request-store.ts';
import { tempHome } from '../helpers/home.ts';

/** Runs the writer until it has acknowledged some requests, kills it with SIGKILL at a random moment, returns the acked ids. */
function writeThenKill(dataDir: string, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'helpers', 'store-writer.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: string[] = [];
    let buffered = '';
    child.stdout.on('data', (c: Buffer) => {
      buffered += c;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('acked ')) acked.push(line.slice(6));
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited by itself (${signal})`))));
  });
}

test('kill -9 at random moments never corrupts the store and loses nothing that was acknowledged', async () => {
  const { home, cleanup } = await tempHome();
  const acked = new Set<string>();
  for (let round = 0; round < 5; round++) {
    for (const id of await writeThenKill(home, 150 + Math.floor(Math.random() * 400))) acked.add(id);
    const store = await RequestStore.open({ dataDir: home, retentionDays: 365, maxBytes: 512 * 1024 * 1024, bodyBytes: 65536, log: createMemoryLogger() });
    const rows = await store.logs({ limit: 1_000_000 });
    const present = new Set(rows.map((r) => r.id));
    const missing = [...acked].filter((id) => !present.has(id));
    assert.deepEqual(missing, [], `round ${round}: acknowledged requests lost`);
    const usage = await store.usage({ by: 'config' });
    assert.equal(usage.services.claude.total.requests, rows.length, 'daily totals count every row exactly once (replay is idempotent)');
    const one = await store.log(rows[0]!.id);
    assert.equal(one?.request_body?.length ? true : one?.request_body === null, true);
    await store.close();
  }
  assert.ok(acked.size > 0, 'the writer acknowledged requests before it was killed');
  await cleanup();
});
