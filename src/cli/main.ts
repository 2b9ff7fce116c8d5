import { OwnerClient } from '../core/owner/owner-client.ts';
import { clpPaths, resolveHome } from '../core/paths.ts';
import { loadSettings } from '../core/settings.ts';
import { ClpError } from '../shared/errors.ts';
import { COMMANDS, type HelpPorts, helpText, parseCli } from './args.ts';
import { VERSION } from '../shared/version.ts';
import { clientUrl, SERVICE_PROFILE } from '../shared/service-profile.ts';
import { SERVICES } from '../shared/services.ts';
import { activeCommand, listCommand } from './commands/configs.ts';
import { restartCommand, startCommand } from './commands/start.ts';
import { statusCommand } from './commands/status.ts';
import { stopCommand } from './commands/stop.ts';
import { uiCommand } from './commands/ui.ts';
import { runCommand } from './commands/run.ts';
import { sessionCommand, sessionsCommand } from './commands/sessions.ts';
import { addCommand, editCommand, renameCommand, rmCommand, testCommand } from './commands/edit-configs.ts';
import { poolCommand } from './commands/pool.ts';
import { pricesCommand } from './commands/prices.ts';
import { statuslineInstall, statuslineMain, statuslineVerb } from './commands/statusline.ts';
import { logsCommand, usageCommand } from './commands/usage.ts';
import { filtersCommand } from './commands/filters.ts';
import { EXIT, type CliContext } from './context.ts';
import { DAEMON_ARG } from './daemon.ts';

/** The addresses the overview shows: the ports in force (settings and environment), defaults if the settings do not load. */
async function helpPorts(file: string, env: NodeJS.ProcessEnv): Promise<HelpPorts> {
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
  if (argv[0] === 'statusline' && argv.length === 1) return statuslineMain(paths, out);
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
    const settings = await loadSettings(paths.settings, env);
    const owner = new OwnerClient(settings.host, settings.ports.ui, paths.runDir);
    const ctx: CliContext = { env, paths, settings, owner, out, err };
    const [a = '', b = ''] = args.positionals;
    switch (args.command.name) {
      case 'start':
        return await startCommand(ctx, args.flags.has('foreground'));
      case 'stop':
        return await stopCommand(ctx);
      case 'restart':
        return await restartCommand(ctx);
      case 'status':
        return await statusCommand(ctx, args.flags.has('json'));
      case 'list':
        return await listCommand(ctx, a, args.flags.has('json'));
      case 'active':
        return await activeCommand(ctx, a, b);
      case 'pool':
        return await poolCommand(ctx, args.positionals, args.flags.has('json'));
      case 'usage':
        return await usageCommand(ctx, args.values, args.flags.has('json'), args.flags.has('team'));
      case 'logs':
        return await logsCommand(ctx, args.positionals, args.values, args.flags.has('json'), args.flags.has('raw'));
      case 'add':
        return await addCommand(ctx, a, b, args);
      case 'edit':
        return await editCommand(ctx, a, b, args);
      case 'rm':
        return await rmCommand(ctx, a, b);
      case 'rename':
        return await renameCommand(ctx, a, b, args.positionals[2]!);
      case 'test':
        return await testCommand(ctx, a, args.positionals[1], args, args.flags.has('json'));
      case 'sessions':
        return await sessionsCommand(ctx, args.values, args.flags.has('json'));
      case 'session':
        return await sessionCommand(ctx, args.positionals, args.flags.has('json'));
      case 'run':
        return await runCommand(ctx, args.positionals, args.values);
      case 'filters':
        return await filtersCommand(ctx, args.flags.has('json'));
      case 'prices':
        return await pricesCommand(ctx, args.positionals, args.values, args.flags.has('json'));
      case 'statusline':
        return statuslineVerb(a || undefined) === 'install' ? await statuslineInstall(ctx) : await statuslineMain(paths, out);
      case 'ui':
        return await uiCommand(ctx, !args.flags.has('no-open'));
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
