import { readFile } from 'node:fs/promises';
import { OwnerClient } from '../core/owner/owner-client.ts';
import type { Settings } from '../core/settings.ts';
import { type OwnerAddress, ownerAddress } from '../core/settings-env.ts';
import { clpPaths, resolveHome } from '../core/paths.ts';
import { ClpError } from '../shared/errors.ts';
import { COMMANDS, type HelpPorts, helpText, parseCli } from './args.ts';
import { VERSION } from '../shared/version.ts';
import { clientUrl, SERVICE_PROFILE } from '../shared/service-profile.ts';
import { SERVICES } from '../shared/services.ts';
import { EXIT, type CliContext } from './context.ts';
import { DAEMON_ARG } from './daemon.ts';

/**
 * Each command's module, and the settings' schema, loaded when a command needs them: `clp logs` builds
 * no config, filter or price schema, and the statusline (run by Claude Code after every message)
 * builds none at all. zod's schemas are built when their module loads, ~10 ms for all of them.
 */
const load = {
  settings: () => import('../core/settings.ts'),
  configs: () => import('./commands/configs.ts'),
  start: () => import('./commands/start.ts'),
  status: () => import('./commands/status.ts'),
  stop: () => import('./commands/stop.ts'),
  ui: () => import('./commands/ui.ts'),
  run: () => import('./commands/run.ts'),
  sessions: () => import('./commands/sessions.ts'),
  edit: () => import('./commands/edit-configs.ts'),
  pool: () => import('./commands/pool.ts'),
  prices: () => import('./commands/prices.ts'),
  statusline: () => import('./commands/statusline.ts'),
  usage: () => import('./commands/usage.ts'),
  filters: () => import('./commands/filters.ts'),
  doctor: () => import('./commands/doctor.ts'),
  setup: () => import('./commands/setup.ts'),
};

/** The addresses the overview shows: the ports in force (settings and environment), defaults if the settings do not load. */
async function helpPorts(file: string, env: NodeJS.ProcessEnv): Promise<HelpPorts> {
  const { loadSettings } = await load.settings();
  const settings = await loadSettings(file, env).catch(() => loadSettings('/nonexistent/settings.json', env).catch(() => null));
  const host = settings?.host ?? '127.0.0.1';
  return {
    services: SERVICES.map((s) => ({ label: SERVICE_PROFILE[s].label, url: clientUrl(s, host, settings?.ports[s] ?? SERVICE_PROFILE[s].defaultPort) })),
    ui: `http://${host}:${settings?.ports.ui ?? 3300}/`,
  };
}

/** Runs one `clp` invocation and returns its exit code. Errors print as one line: `clp: message`. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const paths = clpPaths(resolveHome(env));
  if (argv[0] === DAEMON_ARG) {
    const { daemonMain } = await import('./owner-process.ts');
    await daemonMain(paths);
    return EXIT.ok;
  }
  const out = (text: string) => void process.stdout.write(`${text}\n`);
  const err = (text: string) => void process.stderr.write(`${text}\n`);
  // Claude Code's statusline: a line whatever happens, never an error, nothing else loaded.
  if (argv[0] === 'statusline' && argv.length === 1) return (await load.statusline()).statuslineMain(paths, out);
  try {
    const args = parseCli(argv);
    if (args.version) {
      out(`clp ${VERSION}`);
      return EXIT.ok;
    }
    if (args.help || !args.command || args.command.name === 'help') {
      const about =
        args.command?.name === 'help' && args.positionals[0]
          ? COMMANDS.find((c) => c.name === args.positionals[0])
          : args.command?.name === 'help'
            ? null
            : args.command;
      if (about === undefined) throw new ClpError('bad_request', `help: unknown command "${args.positionals[0]}"`);
      out(helpText(about, about ? undefined : await helpPorts(paths.settings, env)));
      return EXIT.ok;
    }
    // Loaded (and checked) when a command needs them; the owner's address alone does without.
    let full: Promise<Settings> | null = null;
    const settings = (): Promise<Settings> => (full ??= load.settings().then((m) => m.loadSettings(paths.settings, env)));
    const text = await readFile(paths.settings, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : undefined));
    let address: OwnerAddress | null = text === undefined ? null : ownerAddress(text, env);
    if (!address) {
      const checked = await settings();
      address = { host: checked.host, port: checked.ports.ui };
    }
    const owner = new OwnerClient(address.host, address.port, paths.runDir);
    const ctx: CliContext = { env, paths, settings, owner, out, err };
    const [a = '', b = ''] = args.positionals;
    switch (args.command.name) {
      case 'start':
        return await (await load.start()).startCommand(ctx, args.flags.has('foreground'));
      case 'stop':
        return await (await load.stop()).stopCommand(ctx);
      case 'restart':
        return await (await load.start()).restartCommand(ctx);
      case 'status':
        return await (await load.status()).statusCommand(ctx, args.flags.has('json'));
      case 'list':
        return await (await load.configs()).listCommand(ctx, a, args.flags.has('json'));
      case 'active':
        return await (await load.configs()).activeCommand(ctx, a, b);
      case 'pool':
        return await (await load.pool()).poolCommand(ctx, args.positionals, args.flags.has('json'));
      case 'usage':
        return await (await load.usage()).usageCommand(ctx, args.values, args.flags.has('json'), args.flags.has('team'));
      case 'logs':
        return await (await load.usage()).logsCommand(
          ctx,
          args.positionals,
          args.values,
          args.flags.has('json'),
          args.flags.has('raw'),
          args.flags.has('follow'),
        );
      case 'add':
        return await (await load.edit()).addCommand(ctx, a, b, args);
      case 'edit':
        return await (await load.edit()).editCommand(ctx, a, b, args);
      case 'rm':
        return await (await load.edit()).rmCommand(ctx, a, b);
      case 'rename':
        return await (await load.edit()).renameCommand(ctx, a, b, args.positionals[2]!);
      case 'test':
        return await (await load.edit()).testCommand(ctx, a, args.positionals[1], args, args.flags.has('json'));
      case 'sessions':
        return await (await load.sessions()).sessionsCommand(ctx, args.values, args.flags.has('json'));
      case 'session':
        return await (await load.sessions()).sessionCommand(ctx, args.positionals, args.flags.has('json'));
      case 'run':
        return await (await load.run()).runCommand(ctx, args.positionals, args.values);
      case 'filters':
        return await (await load.filters()).filtersCommand(ctx, args.flags.has('json'));
      case 'setup':
        return await (await load.setup()).setupCommand(ctx, a, args.flags.has('yes'));
      case 'doctor':
        return await (await load.doctor()).doctorCommand(ctx, args.flags.has('json'));
      case 'prices':
        return await (await load.prices()).pricesCommand(ctx, args.positionals, args.values, args.flags.has('json'));
      case 'statusline': {
        const statusline = await load.statusline();
        return statusline.statuslineVerb(a || undefined) === 'install' ? await statusline.statuslineInstall(ctx) : await statusline.statuslineMain(paths, out);
      }
      case 'ui':
        return await (await load.ui()).uiCommand(ctx, !args.flags.has('no-open'));
      default:
        throw new ClpError('bad_request', `unknown command "${args.command.name}"`);
    }
  } catch (e) {
    const error = ClpError.is(e) ? e : new ClpError('internal', (e as Error)?.stack ?? String(e));
    err(`clp: ${error.message}`);
    if (error.code === 'bad_request') {
      err('Run `clp --help` for usage.');
      return EXIT.usage;
    }
    return EXIT.failed;
  }
}
