// A separate process that hammers one config file with read-modify-write updates, as a CLI would
// while a daemon or a VS Code window writes the same file. Usage: update-worker <file> <tag> <count>
import { activateConfig } from '../../src/core/config/activate.ts';
import { ConfigStore } from '../../src/core/config/store.ts';

async function run(): Promise<void> {
  const [file, tag, count] = process.argv.slice(2) as [string, string, string];
  const store = new ConfigStore(file);
  for (let i = 0; i < Number(count); i++) {
    await store.update((raw) => ({ ...raw, shared: { ...raw.shared!, [`${tag}_${i}`]: i } }));
    await activateConfig(store, i % 2 ? 'shared' : 'other');
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
