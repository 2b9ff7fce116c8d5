import { createCore, type Core } from '../../src/core/core.ts';
import { createMemoryLogger } from '../../src/core/log.ts';
import type { SettingsInput } from '../../src/core/settings.ts';

/** Starts a real core on ephemeral loopback ports in `home`, with the environment's overrides ignored. */
export async function startCore(home: string, settings: SettingsInput = {}): Promise<Core & { urls: { claude: string; codex: string; ui: string } }> {
  const core = await createCore({
    home,
    env: {},
    ownerKind: 'foreground',
    log: createMemoryLogger(),
    settings: { ...settings, ports: { claude: 0, codex: 0, ui: 0, ...settings.ports } },
  });
  await core.start();
  const p = core.ports();
  return Object.assign(core, {
    urls: { claude: `http://127.0.0.1:${p.claude}`, codex: `http://127.0.0.1:${p.codex}/v1`, ui: `http://127.0.0.1:${p.ui}` },
  });
}
