import { activateInFile, deleteConfigOffline, saveConfigOffline, storedConfig, type ConfigEdit } from '../../core/offline.ts';
import type { ConnectivityResult } from '../../shared/dashboard.ts';
import { ClpError } from '../../shared/errors.ts';
import { ConfigActivate, ConfigDelete, ConfigSave, ConfigTest, StatusGet } from '../../shared/protocol.ts';
import { SERVICE_PROFILE } from '../../shared/service-profile.ts';
import type { ServiceName } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';
import { serviceArg } from './configs.ts';
import { readSecret } from '../secret-input.ts';

export interface EditOptions {
  flags: Set<string>;
  values: Map<string, string>;
}

function weightOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new ClpError('bad_request', `--weight: expected a number of 0 or more, got "${value}"`);
  return Number(value);
}

function urlOption(value: string | undefined, service: ServiceName, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new ClpError('bad_request', `--url: expected the upstream's base URL (e.g. ${SERVICE_PROFILE[service].defaultBaseUrl})`);
    return undefined;
  }
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new ClpError('bad_request', `--url: expected an http:// or https:// URL, got "${value}"`);
  }
  return value;
}

/**
 * The key, never from argv (it would land in shell history): `--key-env VAR`, or `--key-stdin` (a
 * prompt without echo on a terminal, the piped text otherwise). Undefined: no key given.
 */
async function keyOption(ctx: CliContext, o: EditOptions, ask: boolean): Promise<string | undefined> {
  const name = o.values.get('key-env');
  if (name !== undefined) {
    const key = ctx.env[name]?.trim();
    if (!key) throw new ClpError('bad_request', `--key-env: the variable ${name} is not set or empty`);
    return key;
  }
  if (!o.flags.has('key-stdin') && !ask) return undefined;
  const key = (await readSecret('key (not shown): ')).trim();
  if (!key) throw new ClpError('bad_request', 'the key is empty: give it on stdin, or with --key-env VAR');
  return key;
}

function keyField(service: ServiceName, o: EditOptions): 'auth_token' | 'api_key' {
  if (o.flags.has('auth-token') && o.flags.has('api-key')) throw new ClpError('bad_request', 'use --auth-token or --api-key, not both');
  return o.flags.has('auth-token') ? 'auth_token' : o.flags.has('api-key') ? 'api_key' : SERVICE_PROFILE[service].keyField;
}

async function ownerRuns(ctx: CliContext): Promise<boolean> {
  return (await ctx.owner.ping()) !== null;
}

/** One config edit: through the running CLP (it writes the file and carries pool state), or on the files. */
async function save(ctx: CliContext, service: ServiceName, edit: ConfigEdit): Promise<void> {
  if (await ownerRuns(ctx)) await ctx.owner.call(ConfigSave, { service, ...edit });
  else await saveConfigOffline(ctx.paths, service, edit);
}

const stored = (ctx: CliContext, service: ServiceName, name: string) => storedConfig(ctx.paths, service, name);

export async function addCommand(ctx: CliContext, serviceName: string, name: string, o: EditOptions): Promise<number> {
  const service = serviceArg(serviceName);
  const base_url = urlOption(o.values.get('url'), service, true)!;
  const field = keyField(service, o);
  const key = await keyOption(ctx, o, true);
  await save(ctx, service, { name, base_url, [field]: key, weight: weightOption(o.values.get('weight')) });
  if (o.flags.has('activate')) await activate(ctx, service, name);
  ctx.out(`${service}: added "${name}" (${field})${o.flags.has('activate') ? ', now active' : ''}; \`clp test ${service} ${name}\` checks it works`);
  return EXIT.ok;
}

export async function editCommand(ctx: CliContext, serviceName: string, name: string, o: EditOptions): Promise<number> {
  const service = serviceArg(serviceName);
  const entry = await stored(ctx, service, name);
  const url = urlOption(o.values.get('url'), service, false);
  const key = await keyOption(ctx, o, false);
  const explicit = o.flags.has('auth-token') || o.flags.has('api-key');
  const field = explicit ? keyField(service, o) : entry.apiKey && !entry.authToken ? 'api_key' : 'auth_token';
  const other = field === 'auth_token' ? 'api_key' : 'auth_token';
  const edit: ConfigEdit = { original: name, name, base_url: url ?? entry.baseUrl, weight: weightOption(o.values.get('weight')) };
  if (key !== undefined) {
    edit[field] = key;
    edit[other] = null;
  } else if (explicit) {
    // The same key, sent the other way.
    const current = entry.authToken || entry.apiKey;
    if (!current) throw new ClpError('bad_request', `${name} has no key to send as ${field}: give one with --key-stdin or --key-env`);
    edit[field] = current;
    edit[other] = null;
  } else if (url !== undefined && url !== entry.baseUrl) {
    // A key stays with the URL it was typed for, unless this is said twice: the same key, kept on purpose.
    throw new ClpError(
      'bad_request',
      `a new --url drops the stored key (it was given for ${new URL(entry.baseUrl).origin}); give the key again with --key-stdin or --key-env`,
    );
  }
  await save(ctx, service, edit);
  if (o.flags.has('activate')) await activate(ctx, service, name);
  ctx.out(`${service}: "${name}" saved; the next request uses it`);
  return EXIT.ok;
}

export async function rmCommand(ctx: CliContext, serviceName: string, name: string): Promise<number> {
  const service = serviceArg(serviceName);
  if (await ownerRuns(ctx)) await ctx.owner.call(ConfigDelete, { service, name });
  else await deleteConfigOffline(ctx.paths, service, name);
  ctx.out(`${service}: removed "${name}"`);
  return EXIT.ok;
}

export async function renameCommand(ctx: CliContext, serviceName: string, from: string, to: string): Promise<number> {
  const service = serviceArg(serviceName);
  const entry = await stored(ctx, service, from);
  await save(ctx, service, { original: from, name: to, base_url: entry.baseUrl });
  ctx.out(`${service}: "${from}" is now "${to}" (its pool state and route rules follow it)`);
  return EXIT.ok;
}

async function activate(ctx: CliContext, service: ServiceName, name: string): Promise<void> {
  if (await ownerRuns(ctx)) await ctx.owner.call(ConfigActivate, { service, name });
  else await activateInFile(ctx.paths, service, name);
}

/** `clp test`: the dashboard's connectivity test, with its explanations; every config, or one. */
export async function testCommand(ctx: CliContext, serviceName: string, name: string | undefined, o: EditOptions, json: boolean): Promise<number> {
  const service = serviceArg(serviceName);
  if (!(await ownerRuns(ctx)))
    throw new ClpError('not_running', 'CLP is not running: start it with `clp start` (the test is sent by CLP, with the config’s key)');
  const names = name ? [name] : (await ctx.owner.call(StatusGet, {})).configs[service].map((c) => c.name);
  if (!names.length) throw new ClpError('config_not_found', `${service}: no configs yet; add one with \`clp add ${service} <name> --url URL\``);
  const model = o.values.get('model') ?? SERVICE_PROFILE[service].testModels[0]!;
  const results: Array<ConnectivityResult & { name: string }> = [];
  for (const n of names) results.push({ name: n, ...(await ctx.owner.call(ConfigTest, { service, name: n, model })) });
  if (json) ctx.out(JSON.stringify(results, null, 2));
  else {
    for (const r of results) {
      ctx.out(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name}: ${r.status ?? 'no answer'} in ${r.ms} ms, model ${r.model}, ${r.url}`);
      if (!r.ok) {
        if (r.hint) ctx.out(`       ${r.hint}`);
        ctx.out(`       upstream said: ${r.message.split('\n')[0]!.slice(0, 300)}`);
        if (r.models?.length) ctx.out(`       models it lists: ${r.models.slice(0, 12).join(', ')}${r.models.length > 12 ? ', …' : ''} (try one with --model)`);
      }
    }
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}
