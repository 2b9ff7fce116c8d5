import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFileLogger } from '../../src/core/log.ts';
import { tempHome } from '../helpers/home.ts';

test('the daemon log rotates by size and keeps a bounded number of files', async () => {
  const { home, cleanup } = await tempHome();
  const path = join(home, 'clp.log');
  const log = createFileLogger(path, { maxBytes: 1000, keep: 2, now: () => new Date(0) });
  for (let i = 0; i < 100; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
  await log.close();
  const files = (await readdir(home)).sort();
  assert.deepEqual(files, ['clp.log', 'clp.log.1', 'clp.log.2']);
  for (const f of files) assert.ok((await readFile(join(home, f))).length <= 1000, f);
  assert.match(await readFile(path, 'utf8'), /line 99 /);
  await cleanup();
});
