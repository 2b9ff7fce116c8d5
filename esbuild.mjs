// One build for every bundle CLP ships: the VS Code extension, the `clp` CLI and (later) the webview.
// Everything runtime-side is bundled, so the .vsix and `npm i -g` need no node_modules at run time.
import { build } from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};

const result = await Promise.all([
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], metafile: true }),
  build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, metafile: true }),
  // The request store's thread: sql.js with its wasm inlined, so the bundle needs no file beside it.
  build({ ...common, entryPoints: ['src/core/store/worker.ts'], outfile: 'dist/store-worker.js', metafile: true }),
]);

if (watch) console.log('esbuild: watch mode is not supported; run `npm run build` again');
for (const r of result) for (const [file, out] of Object.entries(r.metafile.outputs)) {
  if (file.endsWith('.js')) console.log(`built ${file} (${Math.round(out.bytes / 1024)} KiB)`);
}
