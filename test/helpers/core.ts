import { createCore, type Core } from '../../src/core/core.ts';
import { createMemoryLogger } from '../../src/core/log.ts';
import type { SettingsInput } from '../../src/core/settings.ts';
import { clientUrl } from '../../src/shared/service-profile.ts';
import { noPorts, perService, type PortName } from '../../src/shared/services.ts';

/** Starts a real core on ephemeral loopback ports in `home`, with the environment's overrides ignored. */
export async function startCore(home: string, settings: SettingsInput = {}): Promise<Core & { urls: Record<PortName, string> }> {
  const core = await createCore({
    home,
    env: {},
    ownerKind: 'foreground',
    log: createMemoryLogger(),
    settings: { ...settings, ports: { ...noPorts(), ...settings.ports } },
  });
  await core.start();
  const p = core.ports();
  return Object.assign(core, {
    urls: { ...perService((s) => clientUrl(s, '127.0.0.1', p[s])), ui: `http://127.0.0.1:${p.ui}` },
  });
}
