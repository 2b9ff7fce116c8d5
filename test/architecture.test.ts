import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { VERSION } from '../src/shared/version.ts';

const root = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

test('only src/extension imports vscode (core, cli, shared and webview never do)', () => {
  for (const layer of ['src/core', 'src/cli', 'src/shared', 'webview']) {
    for (const file of sources(join(root, layer))) {
      assert.ok(!imports(file).includes('vscode'), `${relative(root, file)} imports vscode`);
    }
  }
});

test('arrows point one way: core -> shared, cli -> core, webview -> shared, nothing -> extension or cli', () => {
  const rules: Array<[string, RegExp]> = [
    ['src/shared', /\/(core|cli|extension)\/|^node:/],
    ['src/core', /\/(cli|extension)\//],
    ['src/cli', /\/extension\//],
    // The page runs in a browser: only the shared protocol and browser packages.
    ['webview', /\/(core|cli|extension)\/|^node:/],
  ];
  for (const [layer, forbidden] of rules) {
    for (const file of sources(join(root, layer))) {
      for (const spec of imports(file)) assert.ok(!forbidden.test(spec), `${relative(root, file)} imports ${spec}`);
    }
  }
});

test('the version in code is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(VERSION, pkg.version);
});

test('the design card\'s top level exists', () => {
  for (const entry of ['package.json', 'tsconfig.json', 'src', 'webview', 'media', 'esbuild.mjs', 'test', '.vscodeignore', 'README.md', '.ci/run']) {
    assert.ok(statSync(join(root, entry)), entry);
  }
});
