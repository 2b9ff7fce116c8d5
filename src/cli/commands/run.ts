import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { requireConfigs } from '../../core/offline.ts';
import { ClpError } from '../../shared/errors.ts';
import { clientUrl, SERVICE_PROFILE } from '../../shared/service-profile.ts';
import { isServiceName, SERVICE_WORDS, type ServiceName } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';
import { startCommand } from './start.ts';

/** The header a launch's binding travels in (see core/proxy/session.ts), its value percent-encoded. */
const BIND_HEADER = 'x-clp-config';

/** Pure: the environment and arguments that point a client at CLP, bound to `config` when given. */
export function launchOf(
  client: ServiceName,
  url: string,
  key: string,
  config: string | null,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
): { env: NodeJS.ProcessEnv; args: string[] } {
  const value = config
    ?.split(',')
    .map((n) => encodeURIComponent(n.trim()))
    .join(',');
  if (client === 'claude') {
    const out: NodeJS.ProcessEnv = { ...env, ANTHROPIC_BASE_URL: url, ANTHROPIC_AUTH_TOKEN: key };
    // One credential only: Claude Code warns when both are set, and the real key stays out of it.
    delete out.ANTHROPIC_API_KEY;
    if (value) out.ANTHROPIC_CUSTOM_HEADERS = [env.ANTHROPIC_CUSTOM_HEADERS, `${BIND_HEADER}: ${value}`].filter(Boolean).join('\n');
    return { env: out, args: [...args] };
  }
  if (client === 'gemini') {
    // Gemini CLI reads the key and base URL from its environment (over any .env file); its auth type
    // is named too, so a run needs no setup; the binding travels in its custom headers.
    const out: NodeJS.ProcessEnv = { ...env, GOOGLE_GEMINI_BASE_URL: url, GEMINI_API_KEY: key, GEMINI_DEFAULT_AUTH_TYPE: 'gemini-api-key' };
    delete out.GOOGLE_API_KEY;
    delete out.GOOGLE_GENAI_USE_VERTEXAI;
    delete out.GEMINI_API_KEY_AUTH_MECHANISM;
    if (value) out.GEMINI_CLI_CUSTOM_HEADERS = [env.GEMINI_CLI_CUSTOM_HEADERS, `${BIND_HEADER}: ${value}`].filter(Boolean).join(',');
    return { env: out, args: [...args] };
  }
  const headers = value ? `, http_headers = { "${BIND_HEADER}" = "${value}" }` : '';
  return {
    env: { ...env, CLP_RUN_KEY: key },
    args: [
      '-c',
      'model_provider="clp_run"',
      '-c',
      `model_providers.clp_run={ name = "CLP", base_url = "${url}", wire_api = "responses", env_key = "CLP_RUN_KEY"${headers} }`,
      ...args,
    ],
  };
}

/**
 * `clp run [--config NAME] -- claude|codex …`: starts the client pointed at CLP (no setup needed),
 * bound to NAME when given, so two terminals can run on two providers at once. Starts CLP first when
 * it is not running. Exits with the client's code.
 */
export async function runCommand(ctx: CliContext, positionals: string[], values: Map<string, string>): Promise<number> {
  const [client, ...args] = positionals;
  if (!client || !isServiceName(client)) {
    throw new ClpError(
      'bad_request',
      `run: expected ${SERVICE_WORDS} after --, got ${client ? `"${client}"` : 'nothing'}; e.g. clp run --config relay-b -- claude`,
    );
  }
  const service: ServiceName = client;
  const config = values.get('config') ?? null;
  if (config)
    await requireConfigs(
      ctx.paths,
      service,
      config.split(',').map((n) => n.trim()),
    );
  if ((await ctx.owner.probe()).kind === 'none') {
    await startCommand({ ...ctx, out: () => undefined }, false);
    const probe = await ctx.owner.probe();
    ctx.err(`clp: CLP was not running: started it (pid ${probe.kind === 'owner' ? probe.status.owner?.pid : '?'})`);
  }
  const settings = await ctx.settings();
  const key = settings.clientSecret ? (await readFile(ctx.paths.clientSecret, 'utf8')).trim() : 'clp';
  const url = clientUrl(service, settings.host, settings.ports[service]);
  const launch = launchOf(client, url, key, config, ctx.env, args);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(SERVICE_PROFILE[service].command, launch.args, { env: launch.env, stdio: 'inherit' });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new ClpError('not_found', `${SERVICE_PROFILE[service].command} is not on PATH: install it (npm i -g ${SERVICE_PROFILE[service].npmPackage})`)
          : err,
      ),
    );
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 2 : EXIT.failed)));
  });
}
