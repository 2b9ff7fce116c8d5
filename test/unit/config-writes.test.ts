import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigStore } from '../../src/core/config/store.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

function worker(file: string, tag: string, count: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'helpers', 'update-worker.ts'), file, tag, String(count)], {
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

test('two processes writing one config file at the same moment lose no update', async () => {
  const { home, cleanup } = await tempHome();
  const file = await writeConfig(home, 'claude', {
    shared: { base_url: 'http://a.example.com', auth_token: 't' },
    other: { base_url: 'http://b.example.com' },
  });
  const count = 25;
  const codes = await Promise.all([worker(file, 'cli', count), worker(file, 'daemon', count)]);
  assert.deepEqual(codes, [0, 0]);
  const final = JSON.parse(await readFile(file, 'utf8'));
  for (const tag of ['cli', 'daemon']) for (let i = 0; i < count; i++) assert.equal(final.shared[`${tag}_${i}`], i, `${tag}_${i}`);
  assert.equal(final.shared.auth_token, 't');
  assert.deepEqual(
    (await readdir(home)).filter((f) => f !== 'claude.json'),
    [],
    'no temp or lock file is left behind',
  );
  if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o600);
  await cleanup();
});

test('an update that would make the file invalid is refused and nothing is written', async () => {
  const { home, cleanup } = await tempHome();
  const file = await writeConfig(home, 'codex', { a: { base_url: 'http://a.example.com/v1' } });
  const before = await readFile(file, 'utf8');
  const store = new ConfigStore(file);
  await assert.rejects(
    store.update((raw) => ({ ...raw, b: { base_url: 'nope' } })),
    /codex\.json: b\.base_url: /,
  );
  assert.equal(await readFile(file, 'utf8'), before);
  await cleanup();
});
