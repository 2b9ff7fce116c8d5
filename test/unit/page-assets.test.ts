import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { assetCaching, createAssetServer } from '../../src/core/web/page.ts';
import { tempHome } from '../helpers/home.ts';

test('an asset is kept by the browser only under the current hash', () => {
  assert.equal(assetCaching('abc', 'abc'), 'public, max-age=31536000, immutable');
  assert.equal(assetCaching(null, 'abc'), 'no-cache');
  assert.equal(assetCaching('old', 'abc'), 'no-cache');
});

test('a bundle built after the owner started is served once it is there, under a hash of its own', async (t) => {
  const { home, cleanup } = await tempHome();
  const dir = join(home, 'webview');
  await mkdir(dir);
  const assets = createAssetServer(dir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/') void assets.shell(res);
    else void assets.asset(url.pathname, url.searchParams.get('v'), req.headers['if-none-match'], res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
    return cleanup();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hashOf = async () => /app\.js\?v=([0-9a-f]{16})/.exec(await (await request(`${base}/`)).body.text())![1]!;

  const missing = await request(`${base}/app.js`);
  assert.equal(missing.statusCode, 404);
  assert.match(await missing.body.text(), /not built/);
  const before = await hashOf();

  for (const [file, text] of [
    ['app.js', 'console.log(1)'],
    ['uplot.js', 'console.log(3)'],
    ['app.css', 'a{}'],
    ['codicon.css', 'b{}'],
    ['codicon.ttf', 'font'],
  ])
    await writeFile(join(dir, file!), text!);
  const built = await hashOf();
  assert.notEqual(built, before);
  const js = await request(`${base}/app.js?v=${built}`);
  assert.equal(js.statusCode, 200);
  assert.equal(await js.body.text(), 'console.log(1)');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  // Read once: a later change on disk is a new build, picked up by the next owner.
  await writeFile(join(dir, 'app.js'), 'console.log(2)');
  assert.equal(await hashOf(), built);
});
