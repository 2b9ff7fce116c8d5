import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { linesBackwards } from '../../src/core/store/segments.ts';
import { tempHome } from '../helpers/home.ts';

const line = (i: number, pad: number) => JSON.stringify({ d: '2026-12-07', b: null, r: { id: `r${i}`, note: `中${'x'.repeat(pad)}` } });

test('a segment read backwards in windows yields every line, newest first, whatever the window cuts', async () => {
  const { home, cleanup } = await tempHome();
  const file = join(home, '00000001.rec');
  // Lines from a few bytes to several windows long, a multi-byte character in each.
  const pads = Array.from({ length: 60 }, (_, i) => (i * 37) % 300);
  await writeFile(file, `${pads.map((p, i) => line(i, p)).join('\n')}\n`);
  const want = pads.map((_, i) => `r${i}`).reverse();
  for (const window of [1, 7, 64, 100, 1000, 64 * 1024]) {
    assert.deepEqual(
      [...linesBackwards(file, 1, window)].map((l) => l.id),
      want,
      `window ${window}`,
    );
  }
  // A consumer that stops early reads only what it took (the fd is closed by the generator's return).
  const first = linesBackwards(file, 1, 64);
  assert.equal(first.next().value?.id, 'r59');
  first.return(undefined);
  await cleanup();
});

test('a torn last line and a damaged line are skipped, not taken for records; a missing file has none', async () => {
  const { home, cleanup } = await tempHome();
  const file = join(home, '00000002.rec');
  await writeFile(file, `${line(1, 10)}\n{"d":"2026-12-07","b":nu\n${line(2, 500)}\n${line(3, 5).slice(0, 20)}`);
  for (const window of [3, 50, 64 * 1024])
    assert.deepEqual(
      [...linesBackwards(file, 2, window)].map((l) => l.id),
      ['r2', 'r1'],
      `window ${window}`,
    );
  assert.deepEqual([...linesBackwards(join(home, 'nope.rec'))], []);
  await cleanup();
});
