import { activateInFile, loadStores, windowsLine } from '../../core/offline.ts';
import { ClpError } from '../../shared/errors.ts';
import { isServiceName, SERVICE_WORDS, type ServiceName } from '../../shared/services.ts';
import { SERVICE_PROFILE } from '../../shared/service-profile.ts';
import { EXIT, type CliContext } from '../context.ts';
import { SessionsFit } from '../../shared/protocol.ts';
import { displayWidth, padEndTo } from '../table.ts';

/** A service argument, or the one-line error naming the two there are. */
export function serviceArg(value: string): ServiceName {
  if (!isServiceName(value)) throw new ClpError('bad_request', `unknown service "${value}" (expected ${SERVICE_WORDS})`);
  return value;
}

/** The base URL as shown to people: scheme, host and path, never a query (some relays put keys there). */
function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`;
}

export async function listCommand(ctx: CliContext, serviceName: string, json: boolean): Promise<number> {
  const service = serviceArg(serviceName);
  // A broken file lists the version being served (the last one that loaded), and says what is wrong.
  const store = (await loadStores(ctx.paths))[service];
  const snapshot = store.snapshot();
  const error = store.state().error;
  const header = SERVICE_PROFILE[service].apiKeyHeader;
  const configs = snapshot.entries.map((e) => ({
    name: e.name,
    active: e.name === snapshot.active?.name,
    base_url: displayUrl(e.baseUrl),
    weight: e.weight,
    auth: e.authToken && e.apiKey ? `bearer+${header}` : e.authToken ? 'bearer' : e.apiKey ? header : 'none',
    windows: windowsLine(e),
  }));
  if (json) {
    ctx.out(JSON.stringify({ service, file: store.file, error, active: snapshot.active?.name ?? null, configs }, null, 2));
    return EXIT.ok;
  }
  if (error) {
    ctx.err(`clp: ${error}`);
    ctx.err(
      configs.length
        ? `clp: ${store.label} is broken: below is the last good version, which CLP serves until the file is fixed`
        : `clp: ${store.label} is broken, and no good version of it was kept`,
    );
  }
  if (!configs.length) {
    if (!error) ctx.out(`${service}: no configs yet; add one to ${store.file}`);
    return error ? EXIT.failed : EXIT.ok;
  }
  const width = Math.max(...configs.map((c) => displayWidth(c.name)));
  for (const c of configs)
    ctx.out(`${c.active ? '*' : ' '} ${padEndTo(c.name, width)}  ${c.base_url}  weight ${c.weight}  ${c.auth}${c.windows ? `  ${c.windows}` : ''}`);
  return EXIT.ok;
}

export async function activeCommand(ctx: CliContext, serviceName: string, name: string): Promise<number> {
  const service = serviceArg(serviceName);
  await activateInFile(ctx.paths, service, name);
  const owner = (await ctx.owner.ping()) !== null;
  ctx.out(`${service}: active config is now "${name}"${owner ? '; it applies to the next request' : ' (CLP is not running: `clp start`)'}`);
  const entry = (await loadStores(ctx.paths))[service].snapshot().get(name);
  const windows = entry ? windowsLine(entry) : null;
  if (windows) ctx.out(`  ${windows}`);
  // Sessions the switch moves into a window too small for them: said before their next request.
  const tight = owner ? await ctx.owner.call(SessionsFit, { service, config: name }).catch(() => []) : [];
  for (const s of tight)
    ctx.err(
      `warning: session ${s.id.slice(0, 12)} uses ${s.used.toLocaleString('en-US')} tokens of context; ${s.model ?? 'its model'} on "${name}" holds ${s.window.toLocaleString('en-US')} (compact it first, or \`clp session bind ${s.id.slice(0, 8)} <config>\`)`,
    );
  return EXIT.ok;
}
