// A process that writes to a request store as fast as it can and prints the id of every request
// whose batch has been acknowledged (journaled and fsync'd). The kill -9 test kills it mid-write.
import { randomBytes } from 'node:crypto';
import { createMemoryLogger } from '../../src/core/log.ts';
import { RequestStore } from '../../src/core/store/request-store.ts';
import { finished } from './records.ts';

async function run(): Promise<void> {
  const store = await RequestStore.open({
    dataDir: process.argv[2]!,
    retentionDays: 365,
    maxBytes: 512 * 1024 * 1024,
    bodyBytes: 64 * 1024,
    log: createMemoryLogger(),
    flushMs: 5,
  });
  process.stdout.write('ready\n');
  for (;;) {
    const batch = Array.from({ length: 20 }, () => finished({}, { request: randomBytes(4096) }));
    for (const f of batch) store.add(f);
    await store.flush();
    process.stdout.write(batch.map((f) => `acked ${f.record.id}\n`).join(''));
    if (Math.random() < 0.1) await store.snapshot(); // snapshots, too, get killed half-way
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
