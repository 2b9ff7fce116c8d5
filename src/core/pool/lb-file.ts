import { SERVICES, type ServiceName } from '../../shared/services.ts';
import { parseJsonText } from '../config/issues.ts';
import type { Parsed } from '../config/watched-file.ts';
import { emptyHealth, type ServiceHealth } from './health.ts';
import type { PoolMode, PoolOrder } from '../../shared/pool.ts';

type Obj = Record<string, unknown>;

export interface ServicePool {
  mode: PoolMode;
  order: PoolOrder;
  health: ServiceHealth;
}

export interface LbFile {
  /** The whole file as read, so unknown fields survive every write. */
  raw: Obj;
  services: Record<ServiceName, ServicePool>;
}

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const numbers = (v: unknown): Record<string, number> =>
  Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/**
 * Reads `data/lb_config.json` as the original tool wrote it: a global `mode` (`active-first` or
 * `weight-based`), and per service `failureThreshold` (<= 0 or invalid means 3), `autoResetMinutes`
 * (< 0 means 0), `currentFailures`, `excludedConfigs`, `excludedTimestamps`, `manualDisabledUntil`
 * (snake_case spellings accepted too). CLP's own additions (per-service `mode` and `order`,
 * `cooldownUntil`, `lastError`) are ignored by the original. Like the original, a file that cannot
 * be read as JSON is treated as defaults, but it is reported and never written over.
 */
export function parseLbFile(label: string, text: string): Parsed<LbFile> {
  let raw: Obj = {};
  if (text.trim()) {
    const json = parseJsonText(label, text);
    if (!json.ok) return json;
    raw = obj(json.value);
  }
  const globalMode: PoolMode = raw.mode === 'weight-based' ? 'pool' : 'active';
  const services = {} as Record<ServiceName, ServicePool>;
  for (const service of SERVICES) {
    const s = obj(obj(raw.services)[service]);
    const threshold = Number(s.failureThreshold ?? s.failover_count);
    const reset = Number(s.autoResetMinutes ?? s.auto_reset_minutes ?? 10);
    services[service] = {
      mode: s.mode === 'pool' || s.mode === 'active' ? s.mode : globalMode,
      order: s.order === 'weighted' ? 'weighted' : 'priority',
      health: {
        ...emptyHealth(),
        failureThreshold: Number.isFinite(threshold) && threshold > 0 ? Math.floor(threshold) : 3,
        autoResetMinutes: Number.isFinite(reset) ? Math.max(0, reset) : 10,
        currentFailures: numbers(s.currentFailures ?? s.current_failures),
        excludedConfigs: Array.isArray(s.excludedConfigs ?? s.excluded_configs)
          ? ((s.excludedConfigs ?? s.excluded_configs) as unknown[]).filter((x): x is string => typeof x === 'string')
          : [],
        excludedTimestamps: numbers(s.excludedTimestamps ?? s.excluded_timestamps),
        manualDisabledUntil: strings(s.manualDisabledUntil ?? s.manual_disabled_until),
        cooldownUntil: numbers(s.cooldownUntil),
        lastError: strings(s.lastError),
      },
    };
  }
  return { ok: true, value: { raw, services } };
}

/** The file's text for a state: the original's keys in camelCase, CLP's beside them, unknown keys kept. */
export function serializeLbFile(file: LbFile): string {
  const raw: Obj = { ...file.raw };
  if (typeof raw.mode !== 'string') raw.mode = 'active-first';
  const services: Obj = { ...obj(raw.services) };
  for (const service of SERVICES) {
    const p = file.services[service];
    const rest: Obj = { ...obj(services[service]) };
    for (const k of ['failover_count', 'current_failures', 'excluded_configs', 'auto_reset_minutes', 'excluded_timestamps', 'manual_disabled_until'])
      delete rest[k];
    services[service] = { ...rest, ...p.health, mode: p.mode, order: p.order };
  }
  raw.services = services;
  return `${JSON.stringify(raw, null, 2)}\n`;
}
