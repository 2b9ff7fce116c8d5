import { ClpError } from '../shared/errors.ts';
import { PORT_NAMES, type PortName } from '../shared/services.ts';
import { parseJsonText } from './config/issues.ts';

// What the settings say without their schema (zod): the environment's overrides, and where the
// owner's dashboard port is. `clp logs`, `usage` and `sessions` only need the latter, and building
// and running the schema is a tenth of such a command.

/** The address every listener binds when `host` is not set. */
export const DEFAULT_HOST = '127.0.0.1';
/** The dashboard's port (the owner's, which the CLI and other windows talk to) when `ports.ui` is not set. */
export const DEFAULT_UI_PORT = 3300;

/** `CLP_CLAUDE_PORT`, `CLP_CODEX_PORT`, `CLP_GEMINI_PORT`, `CLP_UI_PORT`: the variable that sets each port. */
export function portVariable(which: PortName): string {
  return `CLP_${which.toUpperCase()}_PORT`;
}
const ENV_PORTS = Object.fromEntries(PORT_NAMES.map((which) => [portVariable(which), which])) as Record<string, PortName>;

/** The settings' fields the environment can set, as a file holds them (not yet checked). */
export interface EnvSettable {
  host?: unknown;
  ports?: Partial<Record<PortName, unknown>>;
  team?: object;
}

/** Applies each port's variable (`portVariable`), `CLP_HOST`, `CLP_TEAM_URL` and `CLP_TEAM_MEMBER` over the file's values. */
export function applyEnvOverrides<T extends EnvSettable>(input: T, env: NodeJS.ProcessEnv): T {
  const out: T = { ...input, ports: { ...(input.ports ?? {}) } };
  for (const [name, key] of Object.entries(ENV_PORTS)) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value > 65_535) {
      throw new ClpError('config_invalid', `${name}: expected a port number (0-65535), got "${raw}"`);
    }
    out.ports![key] = value;
  }
  const host = env.CLP_HOST?.trim();
  if (host) out.host = host;
  const teamUrl = env.CLP_TEAM_URL?.trim();
  const member = env.CLP_TEAM_MEMBER?.trim();
  if (teamUrl || member) out.team = { ...(input.team ?? {}), ...(teamUrl ? { url: teamUrl } : {}), ...(member ? { member } : {}) };
  return out;
}

export interface OwnerAddress {
  host: string;
  port: number;
}

/**
 * The owner's host and dashboard port from `settings.json`'s text (null: no file) and the environment,
 * when both are plainly well-formed. Null otherwise (the file is not a JSON object, `host` or
 * `ports.ui` is off, a port variable is not a port): the caller then loads the settings in full, whose
 * check says what is wrong. Other fields are not looked at: whatever they hold, they cannot move the
 * owner.
 */
export function ownerAddress(text: string | null, env: NodeJS.ProcessEnv): OwnerAddress | null {
  let value: unknown = {};
  if (text !== null) {
    // As the full load reads it (a byte order mark skipped, `__proto__` keys refused).
    const parsed = parseJsonText('settings.json', text);
    if (!parsed.ok) return null;
    value = parsed.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const file = value as { host?: unknown; ports?: unknown };
  if (file.ports !== undefined && (typeof file.ports !== 'object' || file.ports === null || Array.isArray(file.ports))) return null;
  let merged: EnvSettable;
  try {
    merged = applyEnvOverrides({ host: file.host, ports: file.ports as EnvSettable['ports'] }, env);
  } catch {
    return null;
  }
  const host = merged.host ?? DEFAULT_HOST;
  const port = merged.ports?.ui ?? DEFAULT_UI_PORT;
  if (typeof host !== 'string' || host.length === 0) return null;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) return null;
  return { host, port };
}
