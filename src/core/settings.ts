import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as z from 'zod';
import { ClpError } from '../shared/errors.ts';
import { SERVICE_PROFILE } from '../shared/service-profile.ts';
import { perService } from '../shared/services.ts';
import { formatIssue, parseJsonText } from './config/issues.ts';
import { withFileLock, writeFileAtomic } from './fs/atomic.ts';
import { applyEnvOverrides, DEFAULT_HOST, DEFAULT_UI_PORT } from './settings-env.ts';

export { applyEnvOverrides, portVariable } from './settings-env.ts';

const port = z.number().int().min(0).max(65_535);
const millis = z.number().int().min(1);
/** One port per service, at its profile's default. */
const servicePorts = perService((s) => port.prefault(SERVICE_PROFILE[s].defaultPort));

/**
 * CLP's own settings (`$CLP_HOME/settings.json`, all optional), also the schema the VS Code layer
 * checks its `clp.*` settings against. Timeouts are chosen so that no legitimate request is cut: the
 * header timeout matches Claude Code's own 10-minute request timeout (a non-streaming fallback can
 * think that long before its headers), and the stream idle timeout matches Codex's 300 s idle limit;
 * Anthropic streams send `ping` events every few seconds, so only a truly stalled upstream hits it.
 */
export const settingsSchema = z.object({
  host: z.string().min(1).prefault(DEFAULT_HOST),
  ports: z
    .object({
      ...servicePorts,
      ui: port.prefault(DEFAULT_UI_PORT),
    })
    .prefault({}),
  timeouts: z
    .object({
      connectMs: millis.prefault(10_000),
      headersMs: millis.prefault(600_000),
      streamIdleMs: millis.prefault(300_000),
      /** A client that has not sent its request headers by then gets a 408 and its socket is closed. */
      clientHeadersMs: millis.prefault(60_000),
    })
    .prefault({}),
  /** The largest request body accepted. Claude Code sends whole conversations; the API allows 32 MB. */
  maxBodyMb: z.number().positive().max(1024).prefault(64),
  /**
   * Clients must send CLP's per-install secret (`$CLP_HOME/client-secret`) as their key: Claude Code
   * as `ANTHROPIC_AUTH_TOKEN`, Codex as its provider's bearer token (the setup commands write it).
   * Needed before `host` may be anything but loopback. Off by default: on loopback, only local
   * processes can reach the ports.
   */
  clientSecret: z.boolean().prefault(false),
  /**
   * When a switch, binding or routing rule would move a session to a model whose context window is
   * smaller than what the session already uses: refuse the request with a clear error in the
   * client's dialect (true), or only warn in the trace (false, the default).
   */
  refuseContextOverflow: z.boolean().prefault(false),
  /** The longest cool-down an upstream's `retry-after` may impose on a config (one bad header cooled every config for a year). */
  maxRetryAfterSec: z.number().int().min(1).max(86_400).prefault(300),
  /** Request bodies held in memory at once, all requests together; past it new requests get a 429. */
  maxBodiesInMemoryMb: z.number().positive().max(16_384).prefault(512),
  /** Built-in secret detectors to run on every request body, on top of `filter.json`. */
  filters: z
    .object({
      detectors: z.array(z.enum(['anthropic', 'openai', 'aws', 'github', 'private_key', 'jwt'])).prefault([]),
      /** How long one filter module (`filters/*.mjs`) may take on one request; past it the request stops. */
      codeBudgetMs: z.number().int().min(1).max(10_000).prefault(50),
      /** Filter modules that may fail open: the request goes on without them (default: every module fails closed). */
      failOpen: z.array(z.string().min(1).max(200)).prefault([]),
    })
    .prefault({}),
  /**
   * The request log: segment files on disk (nothing of a request stays in memory). `maxMb` is their
   * budget on disk: the oldest bodies are dropped first when it is reached, then the oldest requests.
   * Daily totals are kept forever.
   */
  log: z
    .object({
      enabled: z.boolean().prefault(true),
      retentionDays: z.number().positive().prefault(30),
      maxMb: z.number().min(1).prefault(256),
      /** How much of each request and response body is kept for the detail view (marked truncated past it). */
      bodyKb: z.number().int().min(0).prefault(512),
      /**
       * Requests a second that keep their headers and bodies; past it (a load test, a runaway script)
       * every request still gets its record, marked "bodies not kept", and the log's work per request
       * stays small.
       */
      bodiesPerSecond: z.number().int().min(1).prefault(20),
    })
    .prefault({}),
  /**
   * Team mode (off unless `url` is set, or `CLP_TEAM_URL`): request records without bodies and
   * account health events are shared through a PostgreSQL database. See README, "Team mode".
   */
  team: z
    .object({
      /** `postgres://user:password@host:5432/db?sslmode=require`; its password is never logged or shown. */
      url: z.string().min(1).optional(),
      /** Who this is in the team's figures (`CLP_TEAM_MEMBER`); default `user@host`. */
      member: z.string().min(1).max(100).optional(),
      /** This machine's name in them; default the host name. */
      machine: z.string().min(1).max(100).optional(),
      /** The database schema CLP keeps its tables in (the database user needs only this schema). */
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL name (letters, digits, _)')
        .prefault('clp'),
      /** Also share request and response bodies (after the filters). Off: only figures are shared. */
      shareBodies: z.boolean().prefault(false),
    })
    .prefault({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsSchema = typeof settingsSchema;
export type SettingsInput = z.input<typeof settingsSchema>;

export function parseSettings(label: string, input: unknown): Settings {
  const result = settingsSchema.safeParse(input);
  if (!result.success) throw new ClpError('config_invalid', formatIssue(label, result.error));
  return result.data;
}

/** Reads `settings.json` (missing is fine: all defaults), then the environment's overrides. */
export async function loadSettings(file: string, env: NodeJS.ProcessEnv, overrides: SettingsInput = {}): Promise<Settings> {
  const label = basename(file);
  let fromFile: SettingsInput = {};
  try {
    const parsed = parseJsonText(label, await readFile(file, 'utf8'));
    if (!parsed.ok) throw new ClpError('config_invalid', parsed.error);
    fromFile = parseSettings(label, parsed.value) as SettingsInput;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const merged: SettingsInput = {
    ...fromFile,
    ...overrides,
    ports: { ...fromFile.ports, ...overrides.ports },
    timeouts: { ...fromFile.timeouts, ...overrides.timeouts },
    log: { ...fromFile.log, ...overrides.log },
    filters: { ...fromFile.filters, ...overrides.filters },
    team: { ...fromFile.team, ...overrides.team },
  };
  return parseSettings(label, applyEnvOverrides(merged, env));
}

/**
 * Read-modify-write of `settings.json` under its lock, keeping every other field as written.
 * Refused (the file left alone) when the file does not parse, or the result would not validate.
 */
export async function updateSettingsFile(file: string, mutate: (value: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const label = basename(file);
  await withFileLock(file, async () => {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let value: Record<string, unknown> = {};
    if (text.trim()) {
      const parsed = parseJsonText(label, text);
      if (!parsed.ok) throw new ClpError('config_invalid', `${parsed.error} (fix the file first; CLP will not overwrite it)`);
      value = parsed.value as Record<string, unknown>;
    }
    const next = mutate(value);
    parseSettings(label, next);
    await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  });
}
