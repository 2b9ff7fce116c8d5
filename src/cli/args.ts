import { parseArgs } from 'node:util';
import { ClpError } from '../shared/errors.ts';

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** Boolean flags this command accepts (besides --help). */
  flags: readonly string[];
  /** Options that take a value (`--since 7d`). */
  values?: readonly string[];
  /** Exact number of positionals, as [min, max]. */
  positionals: readonly [number, number];
  details?: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    usage: 'clp start [--foreground]',
    summary: 'start CLP in the background (or in this terminal with --foreground)',
    flags: ['foreground'],
    positionals: [0, 0],
    details:
      'Returns once the three ports answer. A broken config file does not keep CLP from starting: the last version that loaded serves (placeholder mode if none was kept), and the status says where the file is broken. Exits non-zero, saying why, when a port is taken.',
  },
  {
    name: 'stop',
    usage: 'clp stop',
    summary: 'stop CLP (the background one, or a foreground one in another terminal, saying so)',
    flags: [],
    positionals: [0, 0],
    details: 'A CLP inside a VS Code window is stopped from that window ("CLP: Stop Proxy"): clp stop says so and exits 4.',
  },
  {
    name: 'restart',
    usage: 'clp restart',
    summary: 'stop, then start the background CLP',
    flags: [],
    positionals: [0, 0],
    details: 'Checks the config files first: with one broken, the running CLP is kept (it serves the last good version) and nothing is restarted.',
  },
  {
    name: 'status',
    usage: 'clp status [--json]',
    summary: "who owns the ports, and each service's active config",
    flags: ['json'],
    positionals: [0, 0],
    details: 'Exit code 0 when CLP is running, 3 when it is not.',
  },
  { name: 'list', usage: 'clp list <claude|codex> [--json]', summary: "list a service's configs (keys are never shown)", flags: ['json'], positionals: [1, 1] },
  {
    name: 'active',
    usage: 'clp active <claude|codex> <name>',
    summary: 'switch a service to another config; applies to the next request',
    flags: [],
    positionals: [2, 2],
  },
  {
    name: 'pool',
    usage: 'clp pool <claude|codex> [disable-today <name> | reset [<name>] | pin <name> | mode active|pool | order priority|weighted] [--json]',
    summary: 'the account pool: order, weights and health; disable a config for today, reset, pin to top, switch mode',
    flags: ['json'],
    positionals: [1, 3],
    details:
      'In `active` mode only the active config serves; in `pool` mode the healthy configs serve in priority (highest weight first) or weighted order, failing over within a request.',
  },
  {
    name: 'usage',
    usage: 'clp usage [--service claude|codex] [--since 7d] [--by config|model|day] [--json]',
    summary: 'tokens and cost, per service and per config, model or day',
    flags: ['json'],
    values: ['service', 'since', 'by'],
    positionals: [0, 0],
    details: "--since takes 12h, 7d (today and the six days before), a date like 2026-11-01, or all (the default). Totals outlive the request log's retention.",
  },
  {
    name: 'logs',
    usage: 'clp logs [--limit N] [--service claude|codex] [--json] | clp logs show <id>',
    summary: 'the latest requests, or one request in detail (credentials never shown)',
    flags: ['json'],
    values: ['limit', 'service'],
    positionals: [0, 2],
  },
  {
    name: 'ui',
    usage: 'clp ui [--no-open]',
    summary: 'make sure the dashboard is served, print its URL and open it',
    flags: ['no-open'],
    positionals: [0, 0],
  },
];

export interface ParsedArgs {
  command: CommandSpec | null;
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
  help: boolean;
}

const ALL_FLAGS = ['foreground', 'json', 'no-open', 'help'] as const;
const ALL_VALUES = ['service', 'since', 'by', 'limit'] as const;

export function parseCli(argv: readonly string[]): ParsedArgs {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(ALL_FLAGS.map((f) => [f, { type: 'boolean' as const, ...(f === 'help' ? { short: 'h' } : {}) }])),
        ...Object.fromEntries(ALL_VALUES.map((v) => [v, { type: 'string' as const }])),
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new ClpError('bad_request', (err as Error).message.split('\n')[0]!.replace(/^Unknown option/, 'unknown option'));
  }
  const [name, ...positionals] = parsed.positionals;
  const flags = new Set(
    Object.entries(parsed.values)
      .filter(([, v]) => v === true)
      .map(([k]) => k),
  );
  const values = new Map(Object.entries(parsed.values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const help = flags.delete('help');
  if (!name) return { command: null, positionals: [], flags, values, help: true };
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new ClpError('bad_request', `unknown command "${name}"`);
  if (help) return { command, positionals, flags, values, help };
  for (const flag of flags) {
    if (!command.flags.includes(flag)) throw new ClpError('bad_request', `${command.name}: unknown option --${flag}`);
  }
  for (const key of values.keys()) {
    if (!command.values?.includes(key)) throw new ClpError('bad_request', `${command.name}: unknown option --${key}`);
  }
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    throw new ClpError('bad_request', `${command.name}: expected ${min === max ? min : `${min}-${max}`} argument(s); usage: ${command.usage}`);
  }
  return { command, positionals, flags, values, help };
}

export function helpText(command: CommandSpec | null): string {
  if (command) {
    return [`usage: ${command.usage}`, '', `  ${command.summary}.`, ...(command.details ? ['', `  ${command.details}`] : [])].join('\n');
  }
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'clp: a local proxy for Claude Code (port 3210) and Codex (port 3211), switchable live',
    '',
    'usage:',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Files live in $CLP_HOME (default ~/.clp). Ports: CLP_CLAUDE_PORT, CLP_CODEX_PORT, CLP_UI_PORT; bind address: CLP_HOST.',
    'Run `clp <command> --help` for more.',
  ].join('\n');
}
