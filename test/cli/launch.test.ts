import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheFileName } from '../../src/cli/launch.ts';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

test('the cache is named by the bundle text, the Node and V8 versions and the machine: another build or runtime never reads it', () => {
  const a = cacheFileName('source a', 'v20.20.2', '11.3.244.8', 'x64');
  assert.match(a, /^cli-[0-9a-f]{16}-v20\.20\.2-v8\.11\.3\.244\.8-x64\.v8$/);
  assert.notEqual(cacheFileName('source b', 'v20.20.2', '11.3.244.8', 'x64'), a);
  assert.notEqual(cacheFileName('source a', 'v22.1.0', '11.3.244.8', 'x64'), a);
  assert.notEqual(cacheFileName('source a', 'v20.20.2', '12.4.254.21', 'x64'), a, "Electron's V8 under the same Node version");
  assert.notEqual(cacheFileName('source a', 'v20.20.2', '11.3.244.8', 'arm64'), a);
});

test('`clp` keeps V8 code for its bundle in $CLP_HOME/cache: written by the first command, read by the next, written again when broken or stale', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  await writeConfig(home, 'claude', { '工作 🚀': { base_url: 'https://relay.example.cn', auth_token: 'sk-ant-kept-secret-0001', active: true } });
  const stale = join(home, 'cache', 'cli-0000000000000000-v0.0.0-x64.v8');
  await mkdir(join(home, 'cache'), { recursive: true });
  await writeFile(stale, 'an older build');

  const first = await clp(['list', 'claude'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /工作 🚀/);
  const files = (await readdir(join(home, 'cache'))).filter((f) => f.endsWith('.v8'));
  assert.equal(files.length, 1, `the stale cache is gone: ${files.join(', ')}`);
  const file = join(home, 'cache', files[0]!);
  const written = await stat(file);
  assert.equal(written.mode & 0o777, 0o600);
  assert.ok(written.size > 10_000);
  assert.ok(!existsSync(stale));

  // Read, not written again: the same file (inode) after the second command.
  const second = await clp(['list', 'claude'], env);
  assert.deepEqual(second, first);
  assert.equal((await stat(file)).ino, written.ino);

  // A broken cache is refused by V8: the command is the same, and the file is replaced.
  await writeFile(file, Buffer.alloc(written.size, 7));
  const third = await clp(['list', 'claude'], env);
  assert.deepEqual(third, first);
  const replaced = await readFile(file);
  assert.notDeepEqual(replaced, Buffer.alloc(written.size, 7));
  assert.equal((await clp(['list', 'claude'], env)).stdout, first.stdout);
  await cleanup();
});

test('`clp` makes no folder for its cache where CLP has no home yet', async () => {
  const { home, cleanup } = await tempHome();
  const env = { ...(await isolatedEnv(home)), CLP_HOME: join(home, 'not-yet') };
  const version = await clp(['--version'], env);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^clp \d+\.\d+\.\d+/);
  assert.ok(!existsSync(join(home, 'not-yet')));
  await cleanup();
});
