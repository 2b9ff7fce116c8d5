// What the `clp` executable (dist/cli.js, src/cli/entry.ts) does: runs the CLI bundle (dist/cli-main.js) from V8's code cache.
// Compiling the 300 KB bundle, and the functions a command runs, was ~15-40 ms of every command's
// ~200; with the cache kept in $CLP_HOME/cache, V8 reads the compiled code instead. Anything wrong
// with the cache (missing, from another build or Node, unreadable, rejected) only costs the compile.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { resolveHome } from '../core/paths.ts';

/**
 * Pure: the cache file for this bundle's text on this Node and V8 (V8 refuses another version's
 * anyway; VS Code's shim runs Electron's V8, which can differ under the same Node version, and two
 * runtimes sharing one name would rewrite it in turn).
 */
export function cacheFileName(source: string, nodeVersion: string, v8Version: string, arch: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `cli-${hash}-${nodeVersion}-v8.${v8Version}-${arch}.v8`;
}

function wrapped(source: string): string {
  // A hashbang is only allowed at the very start of a script: kept as a comment of the same length.
  const text = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  return `(function (exports, require, module, __filename, __dirname) { ${text}\n})`;
}

/** Writes the cache beside any older one (removed), atomically: a half-written file never lands. */
function saveCache(dir: string, name: string, data: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, join(dir, name));
  for (const f of readdirSync(dir)) if (f !== name && /^cli-.*\.v8$/.test(f)) rmSync(join(dir, f), { force: true });
}

export function launch(main: string, env: NodeJS.ProcessEnv): void {
  const requireMain = createRequire(main);
  let source: string;
  try {
    source = readFileSync(main, 'utf8');
  } catch {
    requireMain(main);
    return;
  }
  const home = resolveHome(env);
  const dir = join(home, 'cache');
  const name = cacheFileName(source, process.version, process.versions.v8, process.arch);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(join(dir, name));
  } catch {
    cachedData = undefined;
  }
  const base = dirname(main);
  // The bundle loads the engine with require() (esbuild lowers its import()): a vm.Script may not
  // import() on Node 20 without --experimental-vm-modules.
  const script = new Script(wrapped(source), { filename: main, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // Saved once the command is done, with the functions it ran compiled too; only where CLP's home
    // already is (a first `clp --help` makes no folder for it).
    process.once('exit', () => {
      try {
        if (existsSync(home)) saveCache(dir, name, script.createCachedData());
      } catch {
        // a read-only home: every command compiles, as without a cache
      }
    });
  }
  const module = { exports: {}, filename: main, id: main, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, requireMain, module, main, base);
}
