// One build for every bundle CLP ships: the VS Code extension, the `clp` CLI and the webview.
// Everything runtime-side is bundled, so the .vsix and `npm i -g` need no node_modules at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  // Without comments and whitespace (names kept, source maps for stack traces): the engine is 1.3 MB
  // rather than 1.9, which is read, parsed and held as a string on the heap of every process that loads it.
  minifyWhitespace: true,
  minifySyntax: true,
};

// The engine (`src/core/core.ts`, the composition root, with undici, sql.js and the proxy) is a bundle of
// its own, `dist/engine.js`, which the two adapters load by a dynamic import only where they host it:
// the daemon and `clp start --foreground`, and the VS Code window that owns the ports. Every other
// command, and an attached window, never reads it. One 3 MB file cost each command ~60 ms to read and
// compile before it printed anything, and VS Code's activation ~150 ms.
const engineApart = {
  name: 'engine-apart',
  setup(b) {
    b.onResolve({ filter: /\/core\/core\.ts$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './engine.js', external: true } : undefined));
  },
};

// The settings' schema is zod's (130 KB, 60% of the extension's code, ~10 ms of its load): in the
// extension it is `dist/settings.js`, read by a dynamic import once activate() has returned.
const settingsApart = {
  name: 'settings-apart',
  setup(b) {
    b.onResolve({ filter: /\/core\/settings\.ts$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './settings.js', external: true } : undefined));
  },
};

const result = await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [engineApart, settingsApart],
    metafile: true,
  }),
  build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli-main.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [engineApart],
    // The engine is loaded with require(), not import(): the launcher runs this bundle as a vm.Script,
    // where Node 20 allows a dynamic import only under --experimental-vm-modules.
    supported: { 'dynamic-import': false },
    metafile: true,
  }),
  // `clp` itself: a few KB that run dist/cli-main.js from V8's code cache (src/cli/launch.ts).
  build({ ...common, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, metafile: true }),
  build({ ...common, entryPoints: ['src/core/core.ts'], outfile: 'dist/engine.js', metafile: true }),
  build({ ...common, entryPoints: ['src/core/settings.ts'], outfile: 'dist/settings.js', metafile: true }),
  // The dashboard: one browser bundle for the VS Code webview and the :3300 page (no CDN, works offline).
  build({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
    legalComments: 'none',
    tsconfig: 'webview/tsconfig.json',
    entryPoints: [
      { in: 'webview/main.ts', out: 'app' },
      { in: 'webview/app.css', out: 'app' },
      // The chart library, loaded by the first chart to draw (webview/chart.ts), not at first paint.
      { in: 'webview/uplot.ts', out: 'uplot' },
    ],
    outdir: 'dist/webview',
    metafile: true,
  }),
]);

// Codicons: the icon font VS Code itself uses, served with the page.
mkdirSync('dist/webview', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);

// sql.js's wasm, beside the engine: read only to move an older CLP's clp.sqlite totals over once.
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');

// What went into each bundle, for test/architecture.test.ts (budgets and what each may contain).
mkdirSync('dist/meta', { recursive: true });
for (const [i, name] of ['extension', 'cli-main', 'cli', 'engine', 'settings', 'webview'].entries())
  writeFileSync(`dist/meta/${name}.json`, JSON.stringify(result[i].metafile));
for (const r of result)
  for (const [file, out] of Object.entries(r.metafile.outputs)) {
    if (/\.(js|css)$/.test(file)) console.log(`built ${file} (${Math.round(out.bytes / 1024)} KiB)`);
  }
