import Module from 'node:module';
import type { FakeVscode } from './vscode-fake.ts';

type ExtensionModule = typeof import('../../src/extension/extension.ts');

let current: FakeVscode['vscode'] | null = null;
const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = mod._load;
mod._load = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') {
    if (!current) throw new Error('no fake vscode installed');
    return current;
  }
  return originalLoad.call(this, request, ...rest);
};

/**
 * Loads a fresh copy of the extension's modules bound to `fake`, as each editor window has its own
 * extension host: two calls give two independent hosts in one test process.
 */
export function loadExtension(fake: FakeVscode): ExtensionModule {
  current = fake.vscode;
  for (const key of Object.keys(require.cache)) if (key.includes(`${'/src/extension/'}`)) delete require.cache[key];
  return require('../../src/extension/extension.ts') as ExtensionModule;
}
