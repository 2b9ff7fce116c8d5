import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

test('the .vsix holds the extension, the webview and the clp shim, and nothing else (allow-list)', () => {
  const out = execFileSync(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
  for (const f of [
    'dist/extension.js',
    'dist/cli.js',
    'dist/cli-main.js',
    'dist/engine.js',
    'dist/settings.js',
    'dist/sql-wasm.wasm',
    'dist/webview/app.js',
    'dist/webview/uplot.js',
    'dist/webview/app.css',
    'dist/webview/codicon.ttf',
    'package.json',
    'media/activity.svg',
  ]) {
    assert.ok(files.includes(f), `${f} missing from ${files.join(', ')}`);
  }
  for (const f of files) assert.doesNotMatch(f, /^(src|test|webview|node_modules)\/|\.map$|\.ts$/, f);
});
