import { builtinModules } from 'node:module';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** Relative imports of a file, resolved to repository paths. */
function localImports(file: string): string[] {
  return imports(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(root, resolve(dirname(file), spec)));
}

const tree = () => [...sources(join(root, 'src')), ...sources(join(root, 'webview'))];

test('inside core, the rooms depend one way: the store, pool, usage, routing and filters never reach into the proxy or the web server', () => {
  const rules: Array<[string, RegExp]> = [
    ['src/core/pool', /^src\/core\/(store|proxy|ui|web)\//],
    ['src/core/usage', /^src\/core\/(store|proxy|ui|web)\//],
    ['src/core/routing', /^src\/core\/(store|proxy|ui|web)\//],
    ['src/core/filters', /^src\/core\/(store|proxy|ui|web)\//],
    ['src/core/store', /^src\/core\/(proxy|ui|web)\//],
    ['src/core/proxy', /^src\/core\/(store|ui|web)\//],
    ['src/core/body', /^src\/core\/(?!body\/)/],
  ];
  for (const [room, forbidden] of rules) {
    for (const file of sources(join(root, room))) {
      for (const target of localImports(file)) assert.ok(!forbidden.test(target), `${relative(root, file)} imports ${target}`);
    }
  }
});

test('the CLI and the extension reach the engine only through its front doors', () => {
  // The composition root, the owner client, the offline file operations and the few plain helpers
  // every adapter needs; never the engine's rooms (proxy, store, pool, web server) themselves.
  const doors =
    /^src\/core\/(core|offline|paths|settings|settings-env|log|net|process)\.ts$|^src\/core\/(owner|setup|statusline)\/|^src\/core\/pool\/schema\.ts$|^src\/core\/fs\/atomic\.ts$/;
  for (const layer of ['src/cli', 'src/extension']) {
    for (const file of sources(join(root, layer))) {
      for (const target of localImports(file)) {
        if (target.startsWith('src/core/')) assert.match(target, doors, `${relative(root, file)} imports ${target}`);
      }
    }
  }
});

test('no import cycles anywhere in src or webview', () => {
  const graph = new Map(tree().map((f) => [relative(root, f), localImports(f)]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 1) cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  assert.deepEqual(cycles, []);
});

test('no source file is over 500 lines', () => {
  for (const file of tree()) {
    const lines = readFileSync(file, 'utf8').split('\n').length;
    assert.ok(lines <= 500, `${relative(root, file)} has ${lines} lines`);
  }
});

interface Metafile {
  inputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, unknown>; imports: Array<{ path: string; external?: boolean }> }>;
}
const meta = (name: string): Metafile => JSON.parse(readFileSync(join(root, 'dist', 'meta', `${name}.json`), 'utf8'));

test('the dashboard bundle holds the page, the shared protocol and its browser packages only, within its budget', () => {
  const m = meta('webview');
  const js = m.outputs['dist/webview/app.js']!;
  for (const input of Object.keys(js.inputs)) {
    assert.match(input, /^(webview\/|src\/shared\/|node_modules\/(lit|lit-html|lit-element|@lit|@lit-labs|uplot)\/)/, `the page bundles ${input}`);
  }
  for (const [file, info] of Object.entries(m.inputs))
    for (const i of info.imports) assert.ok(!/^node:|^(fs|path|crypto|http)$/.test(i.path), `${file} imports ${i.path}`);
  assert.ok(js.bytes <= 120 * 1024, `app.js is ${Math.round(js.bytes / 1024)} KiB (budget 120 KiB)`);
});

test('the chart library is a file of its own, out of the bundle the first paint waits for', () => {
  const m = meta('webview');
  const app = Object.keys(m.outputs['dist/webview/app.js']!.inputs);
  assert.deepEqual(
    app.filter((input) => input.includes('node_modules/uplot/')),
    [],
    'app.js bundles uPlot',
  );
  const chart = Object.keys(m.outputs['dist/webview/uplot.js']!.inputs);
  assert.ok(
    chart.some((input) => input.startsWith('node_modules/uplot/')),
    chart.join(', '),
  );
  for (const input of chart) assert.match(input, /^(webview\/uplot\.ts|node_modules\/uplot\/)/, `uplot.js bundles ${input}`);
});

/** Bundle sizes as recorded; a bundle may grow 10% past them before this fails (then record anew). */
const BUDGET_BYTES = { extension: 78_000, 'cli-main': 361_000, cli: 2_500, engine: 1_292_000, settings: 143_000 };

test('the extension and CLI bundles stay within 10% of their recorded size; only the extension reaches vscode', () => {
  for (const [name, budget] of Object.entries(BUDGET_BYTES)) {
    const out = meta(name).outputs[`dist/${name}.js`]!;
    assert.ok(out.bytes <= budget * 1.1, `${name}.js is ${out.bytes} bytes, over 110% of its budget ${budget}`);
    const reachesVscode = out.imports.some((i) => i.external && i.path === 'vscode');
    assert.equal(reachesVscode, name === 'extension', `${name}.js ${reachesVscode ? 'imports' : 'does not import'} vscode`);
    // Only Node's own modules (a package's `util/types` included), vscode, and the engine the adapters
    // load stay outside; and pg-native, which pg requires in a try block only when `pg.native` is read (CLP never does).
    const outside = (p: string) =>
      p.startsWith('node:') ||
      builtinModules.includes(p) ||
      (name === 'extension' && p === 'vscode') ||
      ((name === 'extension' || name === 'cli-main') && p === './engine.js') ||
      (name === 'extension' && p === './settings.js') ||
      (!name.startsWith('cli') && p === 'pg-native');
    for (const i of out.imports) if (i.external) assert.ok(outside(i.path), `${name}.js leaves ${i.path} unbundled`);
  }
});

test('the Node bundles are one-byte text, without comments: V8 keeps a two-byte copy of a source holding any other character', () => {
  // One Chinese word in a regular expression made the engine's 1.9 MB source a 3.6 MB string on the
  // owner's heap; comments were half of it. Escapes (\u4e0d) keep the text one-byte.
  for (const name of Object.keys(BUDGET_BYTES)) {
    const text = readFileSync(join(root, 'dist', `${name}.js`), 'utf8');
    const at = [...text].findIndex((c) => c.charCodeAt(0) > 0x7f);
    assert.equal(at, -1, `dist/${name}.js has ${JSON.stringify(text.slice(at - 40, at + 10))}`);
    assert.doesNotMatch(text.slice(0, 200_000), /\n\s*\/\/ /, `dist/${name}.js keeps comments`);
  }
});

test('every `clp` command but the owner itself, and VS Code activation, load a small bundle: the engine (undici, sql.js, the proxy) is dist/engine.js', () => {
  for (const name of ['cli-main', 'extension']) {
    const out = meta(name).outputs[`dist/${name}.js`]!;
    for (const input of Object.keys(out.inputs))
      assert.doesNotMatch(input, /node_modules\/(undici|sql\.js|pg|pg-[a-z-]+)\/|src\/core\/(proxy|store|team)\//, `${name}.js bundles ${input}`);
    assert.ok(
      out.imports.some((i) => i.external && i.path === './engine.js'),
      `${name}.js does not load ./engine.js`,
    );
  }
});

test("VS Code's activation loads no zod: the settings' schema is dist/settings.js, read once activate() has returned", () => {
  const out = meta('extension').outputs['dist/extension.js']!;
  for (const input of Object.keys(out.inputs)) assert.doesNotMatch(input, /node_modules\/zod\/|src\/core\/settings\.ts/, `extension.js bundles ${input}`);
  assert.ok(
    out.imports.some((i) => i.external && i.path === './settings.js'),
    'extension.js does not load ./settings.js',
  );
  assert.ok(Object.keys(meta('settings').outputs['dist/settings.js']!.inputs).includes('src/core/settings.ts'));
});

test('`clp` itself is a launcher of a few KB: node builtins and the home path, the CLI in dist/cli-main.js', () => {
  const out = meta('cli').outputs['dist/cli.js']!;
  for (const input of Object.keys(out.inputs)) assert.match(input, /^src\/cli\/(entry|launch)\.ts$|^src\/core\/paths\.ts$/, `cli.js bundles ${input}`);
  for (const i of out.imports) assert.ok(i.path.startsWith('node:'), `cli.js imports ${i.path}`);
});
