import { parseArgs } from 'node:util';
import { ClpError } from '../shared/errors.ts';
import { SERVICE_CHOICES, SERVICES } from '../shared/services.ts';
import { SERVICE_PROFILE } from '../shared/service-profile.ts';

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
  /** What a person would type; every command has one. */
  examples: readonly string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    usage: 'clp start [--foreground]',
    summary: 'start CLP in the background (or in this terminal with --foreground)',
    flags: ['foreground'],
    positionals: [0, 0],
    examples: ['clp start', 'clp start --foreground'],
    details:
      'Returns once the three ports answer. A broken config file does not keep CLP from starting: the last version that loaded serves (placeholder mode if none was kept), and the status says where the file is broken. Exits non-zero, saying why, when a port is taken.',
  },
  {
    name: 'stop',
    usage: 'clp stop',
    summary: 'stop CLP (the background one, or a foreground one in another terminal, saying so)',
    flags: [],
    positionals: [0, 0],
    examples: ['clp stop'],
    details: 'A CLP inside a VS Code window is stopped from that window ("CLP: Stop Proxy"): clp stop says so and exits 4.',
  },
  {
    name: 'restart',
    usage: 'clp restart',
    summary: 'stop, then start the background CLP',
    flags: [],
    positionals: [0, 0],
    examples: ['clp restart'],
    details: 'Checks the config files first: with one broken, the running CLP is kept (it serves the last good version) and nothing is restarted.',
  },
  {
    name: 'status',
    usage: 'clp status [--json]',
    summary: "who owns the ports, and each service's active config",
    flags: ['json'],
    positionals: [0, 0],
    examples: ['clp status', 'clp status --json'],
    details: 'Exit code 0 when CLP is running, 3 when it is not.',
  },
  {
    name: 'list',
    usage: `clp list <${SERVICE_CHOICES}> [--json]`,
    summary: "list a service's configs (keys are never shown)",
    flags: ['json'],
    positionals: [1, 1],
    examples: ['clp list claude'],
  },
  {
    name: 'active',
    usage: `clp active <${SERVICE_CHOICES}> <name>`,
    summary: 'switch a service to another config; applies to the next request',
    flags: [],
    positionals: [2, 2],
    examples: ['clp active claude relay-b'],
  },
  {
    name: 'pool',
    usage: `clp pool <${SERVICE_CHOICES}> [<action>] [--json]`,
    summary: 'the account pool: order, weights and health; disable a config for today, reset, pin to top, switch mode',
    flags: ['json'],
    positionals: [1, 3],
    examples: ['clp pool claude', 'clp pool claude mode pool', 'clp pool claude disable-today relay-a', 'clp pool claude reset'],
    details:
      'Actions: disable-today <name>, enable <name>, reset [<name>], pin <name>, mode active|pool, order priority|weighted. In `active` mode only the active config serves; in `pool` mode the healthy configs serve in priority (highest weight first) or weighted order, failing over within a request.',
  },
  {
    name: 'usage',
    usage: `clp usage [--team] [--service ${SERVICE_CHOICES}] [--since 7d] [--by config|model|day|session|project|member|machine] [--json]`,
    summary: 'tokens and cost, per service and per config, model, day, session or project; --team: every member of the team',
    flags: ['json', 'team'],
    values: ['service', 'since', 'by'],
    positionals: [0, 0],
    examples: [
      'clp usage',
      'clp usage --since 7d --by model',
      'clp usage --by project',
      'clp usage --team --by member --since 30d',
      'clp usage --service codex --json',
    ],
    details:
      "--since takes 12h, 7d (today and the six days before), today, a date like 2026-11-01, or all (the default). Totals by config, model and day outlive the request log's retention; by session and project they are summed from the log. A session's project is known once Claude Code's statusline (clp statusline) has run in it. --team reads the team database (team mode): by member, machine, config, model or day.",
  },
  {
    name: 'logs',
    usage: `clp logs [show <id> [--raw]] [--follow] [--limit N] [--service ${SERVICE_CHOICES}] [--config NAME] [--model PART] [--status ok|error|4xx|5xx] [--grep TEXT] [--json]`,
    summary: 'the latest requests, or one request in detail (credentials never shown); --follow: each one as it ends',
    details:
      "The list marks streams, reroutes (asked -> sent) and failovers, and is filtered as the Requests page is: --config, --model (a part of the model asked for or sent), --status (ok, error, 4xx or 5xx) and --grep (a part of the config, model, status, error or path). --follow (-f) prints the latest ten (or --limit), oldest first, then each request as it ends until Ctrl+C; with --json, one record a line. `show` gives the request's shape and last message and renders the response as text, thinking and tool calls; --raw prints both bodies as they came (the SSE).",
    flags: ['json', 'raw', 'follow'],
    values: ['limit', 'service', 'config', 'model', 'status', 'grep'],
    positionals: [0, 2],
    examples: [
      'clp logs',
      'clp logs --follow',
      'clp logs --status error --config 中转站',
      'clp logs --limit 20 --service claude --model opus',
      'clp logs show 3f2a9c',
    ],
  },
  {
    name: 'ui',
    usage: 'clp ui [--no-open]',
    summary: 'make sure the dashboard is served, print its URL and open it',
    flags: ['no-open'],
    positionals: [0, 0],
    examples: ['clp ui', 'clp ui --no-open'],
  },
  {
    name: 'add',
    usage: `clp add <${SERVICE_CHOICES}> <name> --url URL [--key-stdin | --key-env VAR] [--auth-token | --api-key] [--weight N] [--activate]`,
    summary: 'add a config; the key comes from stdin (typed unseen on a terminal) or a variable, never from the command line',
    flags: ['key-stdin', 'auth-token', 'api-key', 'activate'],
    values: ['url', 'key-env', 'weight'],
    positionals: [2, 2],
    details: `--auth-token sends the key as Authorization: Bearer, --api-key in the API's key header (${SERVICES.map((s) => `${s}: ${SERVICE_PROFILE[s].apiKeyHeader}`).join(', ')}); the default is how the official API takes it (${SERVICES.map((s) => `${SERVICE_PROFILE[s].keyField} for ${s}`).join(', ')}). Claude and Gemini base URLs carry no /v1; Codex base URLs end in /v1.`,
    examples: [
      'clp add claude relay-a --url https://relay-a.example --auth-token',
      'printenv RELAY_KEY | clp add codex relay-b --url https://relay-b.example/v1',
    ],
  },
  {
    name: 'edit',
    usage: `clp edit <${SERVICE_CHOICES}> <name> [--url URL] [--key-stdin | --key-env VAR] [--auth-token | --api-key] [--weight N] [--activate]`,
    summary: "change a config's URL, key, key kind or weight (what is not given stays)",
    flags: ['key-stdin', 'auth-token', 'api-key', 'activate'],
    values: ['url', 'key-env', 'weight'],
    positionals: [2, 2],
    details: 'A new --url needs the key given again: a key never follows a URL it was not typed for.',
    examples: ['clp edit claude relay-a --weight 20', 'clp edit claude relay-a --key-stdin'],
  },
  {
    name: 'rm',
    usage: `clp rm <${SERVICE_CHOICES}> <name>`,
    summary: 'remove a config',
    flags: [],
    positionals: [2, 2],
    examples: ['clp rm claude old-relay'],
  },
  {
    name: 'rename',
    usage: `clp rename <${SERVICE_CHOICES}> <old> <new>`,
    summary: 'rename a config; its pool state and the route rules that name it follow',
    flags: [],
    positionals: [3, 3],
    examples: ['clp rename claude relay-a 中转站'],
  },
  {
    name: 'test',
    usage: `clp test <${SERVICE_CHOICES}> [<name>] [--model M] [--json]`,
    summary: 'send a tiny request through each config (or one), and say what a failure means',
    flags: ['json'],
    values: ['model'],
    positionals: [1, 2],
    details: 'Sends "Reply with the word OK." (16 tokens at most) with the config\'s key. Exit code 1 when a test fails.',
    examples: ['clp test claude', 'clp test codex relay-b --model gpt-5.4'],
  },
  {
    name: 'sessions',
    usage: `clp sessions [--service ${SERVICE_CHOICES}] [--json]`,
    summary: 'every Claude Code and Codex session CLP saw: configs, models, requests, tokens, cache hit, cost',
    flags: ['json'],
    values: ['service'],
    positionals: [0, 0],
    details: 'Requests without a session id (SDK scripts, the connectivity test) are grouped as "(no session)".',
    examples: ['clp sessions', 'clp sessions --service codex --json'],
  },
  {
    name: 'session',
    usage: 'clp session show|bind|unbind <id|prefix> [<config>] [--json]',
    summary: "one session's figures and latest requests; bind it to a config, or let it follow the active one again",
    flags: ['json'],
    positionals: [2, 3],
    details:
      'A bound session stays on its config whatever the active config is (routing rewrites of the model still apply); a config that is out is skipped, and the trace says it was bound.',
    examples: ['clp session show 3f2a', 'clp session bind 3f2a relay-b', 'clp session unbind 3f2a'],
  },
  {
    name: 'run',
    usage: `clp run [--config NAME] -- ${SERVICE_CHOICES} [<its arguments>]`,
    summary: `start ${SERVICES.join(', ')} pointed at CLP, bound to one config when given (no setup needed)`,
    flags: [],
    values: ['config'],
    positionals: [1, 1000],
    details:
      'A bound client stays on its config whatever the active one is, so two terminals can run on two providers at once; routing rewrites of the model still apply. Without --config it follows the active config, as a set-up client does.',
    examples: ['clp run --config relay-b -- claude', 'clp run --config relay-a -- codex exec "fix the tests"', 'clp run -- gemini -p "explain this repo"'],
  },
  {
    name: 'setup',
    usage: `clp setup <${SERVICE_CHOICES}|undo> [--yes]`,
    summary: 'point a client at CLP for good: shows the changes to its own files, makes them once you say yes (backups kept); undo takes the last one back',
    flags: ['yes'],
    positionals: [1, 1],
    details:
      'claude: env.ANTHROPIC_BASE_URL, a placeholder token and model discovery in ~/.claude/settings.json, then CLP\'s status line there. codex: a CLP provider in ~/.codex/config.toml, selected, and a profile per config (codex --profile clp-<config>). gemini: GOOGLE_GEMINI_BASE_URL in ~/.gemini/.env and its auth type in ~/.gemini/settings.json. The same files VS Code\'s "CLP: Set Up …" writes; every other key stays. Without a terminal to ask in, nothing is written unless --yes is given. `clp run -- <client>` needs no setup at all.',
    examples: ['clp setup claude', 'clp setup codex --yes', 'clp setup undo'],
  },
  {
    name: 'doctor',
    usage: 'clp doctor [--json]',
    summary: 'whether CLP runs, and what would keep Claude Code, Codex or Gemini CLI here from going through it, with the fix',
    flags: ['json'],
    positionals: [0, 0],
    details:
      "It reads this terminal's environment (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, GOOGLE_GEMINI_BASE_URL and the keys), ~/.claude/settings.json and this folder's .claude/settings*.json, ~/.codex/config.toml and Gemini CLI's files, and says what points a client elsewhere or would defeat CLP, each with its fix. Exit 1 when something is a problem. The Claude Code extension's own setting is checked by VS Code's \"CLP: Doctor\".",
    examples: ['clp doctor', 'clp doctor --json'],
  },
  {
    name: 'filters',
    usage: 'clp filters [--json]',
    summary: 'the filters in force: rules (filter.json), detectors, and filter modules (filters/*.mjs) with their hits and last errors',
    flags: ['json'],
    positionals: [0, 0],
    details:
      'Filter modules are $CLP_HOME/filters/*.mjs, each exporting `export default function (body, context) { return body; }` (context: service, config, model, session). They run after the rules and detectors, in file-name order, in a worker thread, and are reloaded when a file changes. One that throws, returns no object or passes its budget (settings filters.codeBudgetMs, 50 ms) stops the request, nothing sent, unless settings filters.failOpen lists it.',
    examples: ['clp filters', 'clp filters --json'],
  },
  {
    name: 'prices',
    usage: 'clp prices [--model PART] [--json] | clp prices import FILE',
    summary: 'the price table in force and where each entry came from; import LiteLLM or models.dev prices',
    flags: ['json'],
    values: ['model'],
    positionals: [0, 2],
    details:
      "Entries in $CLP_HOME/prices.json win over the catalogue. `import` reads LiteLLM's model_prices_and_context_window.json or models.dev's api.json (their Anthropic and OpenAI models) into prices.json, merged. A model neither knows is priced by its family when it is a new version of one (shown with ~), else its cost is unknown.",
    examples: ['clp prices --model opus', 'clp prices import model_prices_and_context_window.json'],
  },
  {
    name: 'statusline',
    usage: 'clp statusline [install]',
    summary: "Claude Code's status line: the session's config, cost, cache hit and last failover",
    flags: [],
    positionals: [0, 1],
    details:
      "Reads the JSON Claude Code passes on stdin and prints one line; it never fails. `install` points statusLine in ~/.claude/settings.json at a bash script that answers in a few milliseconds, keeping your own command (it runs first, its output shows next to CLP's).",
    examples: ['clp statusline install', 'echo \'{"session_id":"3f2a…"}\' | clp statusline'],
  },
  {
    name: 'help',
    usage: 'clp help [<command>]',
    summary: 'this overview, or one command in detail (also: clp <command> --help)',
    flags: [],
    positionals: [0, 1],
    examples: ['clp help pool'],
  },
];

export interface ParsedArgs {
  command: CommandSpec | null;
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
  help: boolean;
  /** `clp --version` / `-V`. */
  version?: boolean;
}

// Every option any command takes (parseArgs needs them all up front): from the commands themselves.
const ALL_FLAGS = [...new Set(['help', ...COMMANDS.flatMap((c) => c.flags)])];
const ALL_VALUES = [...new Set(COMMANDS.flatMap((c) => c.values ?? []))];

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/** The closest of `options` to a mistyped word, when one is close enough to be what was meant. */
export function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    const d = o.startsWith(word) && word.length >= 2 ? 0.5 : distance(word, o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best !== null && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

const suggest = (word: string, options: readonly string[]) => {
  const c = closest(word, options);
  return c ? `; did you mean ${c}?` : '';
};

function optionsOf(command: CommandSpec | null): string[] {
  if (!command) return ['--help', '--version'];
  return [...command.flags.map((f) => `--${f}`), ...(command.values ?? []).map((v) => `--${v}`), '--help'];
}

/** An option nobody takes, said with what the command does take (never Node's parseArgs wording). */
function unknownOption(token: string, command: CommandSpec | null): ClpError {
  const name = token.split('=')[0]!;
  const takes = optionsOf(command);
  const where = command ? `clp ${command.name}` : 'clp';
  return new ClpError('bad_request', `unknown option ${name} for ${where} (it takes: ${takes.join(', ')})${suggest(name, takes)}`);
}

export function parseCli(argv: readonly string[]): ParsedArgs {
  if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') {
    return { command: null, positionals: [], flags: new Set(), values: new Map(), help: false, version: true };
  }
  const name = argv.find((a) => !a.startsWith('-'));
  const command = name ? (COMMANDS.find((c) => c.name === name) ?? null) : null;
  if (name && !command) {
    throw new ClpError(
      'bad_request',
      `unknown command "${name}"${suggest(
        name,
        COMMANDS.map((c) => c.name),
      )}`,
    );
  }
  // Options are checked here, against the command's own, so the message names what it takes.
  const known = new Set([...ALL_FLAGS.map((f) => `--${f}`), ...ALL_VALUES.map((v) => `--${v}`), '-h', '-f']);
  for (const token of argv) {
    if (token === '--') break;
    if (token.startsWith('-') && token !== '-' && !known.has(token.split('=')[0]!)) throw unknownOption(token, command);
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(
          ALL_FLAGS.map((f) => [f, { type: 'boolean' as const, ...(f === 'help' ? { short: 'h' } : f === 'follow' ? { short: 'f' } : {}) }]),
        ),
        ...Object.fromEntries(ALL_VALUES.map((v) => [v, { type: 'string' as const }])),
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // A value option given without its value is the one thing left for parseArgs to find.
    const missing = /Option '--([\w-]+)/.exec((err as Error).message)?.[1];
    throw new ClpError(
      'bad_request',
      missing ? `--${missing}: expected a value (e.g. ${VALUE_EXAMPLES[missing] ?? `--${missing} X`})` : (err as Error).message.split('\n')[0]!,
    );
  }
  const [, ...positionals] = parsed.positionals;
  const flags = new Set(
    Object.entries(parsed.values)
      .filter(([, v]) => v === true)
      .map(([k]) => k),
  );
  const values = new Map(Object.entries(parsed.values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const help = flags.delete('help');
  if (!command) return { command: null, positionals: [], flags, values, help: true };
  if (help) return { command, positionals, flags, values, help };
  for (const flag of flags) if (!command.flags.includes(flag)) throw unknownOption(`--${flag}`, command);
  for (const key of values.keys()) if (!command.values?.includes(key)) throw unknownOption(`--${key}`, command);
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    const want = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
    throw new ClpError('bad_request', `${command.name}: expected ${want}, got ${positionals.length}; usage: ${command.usage} (e.g. ${command.examples[0]})`);
  }
  return { command, positionals, flags, values, help };
}

const VALUE_EXAMPLES: Record<string, string> = {
  service: '--service claude',
  since: '--since 7d',
  by: '--by model',
  limit: '--limit 20',
  url: '--url https://relay.example',
  'key-env': '--key-env RELAY_KEY',
  weight: '--weight 10',
  model: '--model claude-sonnet-4-5',
  config: '--config relay-b',
  status: '--status error',
  grep: '--grep timeout',
};

/** Help text lines never run past this, so they read in a 100-column terminal without wrapping. */
export const HELP_WIDTH = 100;

/** Words wrapped to `width`, the first line after `first`, the others after `indent`. */
function wrap(text: string, width: number, first: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += (line === first || line === indent ? '' : ' ') + word;
  }
  lines.push(line.trimEnd());
  return lines;
}

export interface HelpPorts {
  services: Array<{ label: string; url: string }>;
  ui: string;
}

/** A usage cut at its first option outside any bracket, the rest said as "[options]":
 * `logs [show <id> [--raw]] [--limit N] …` becomes `logs [show <id> [--raw]] [options]`. */
export function shortUsage(full: string): string {
  let depth = 0;
  for (let i = 0; i < full.length; i++) {
    if (full[i] === '[') {
      if (depth === 0 && full.startsWith('[--', i) && full[i - 1] === ' ') return `${full.slice(0, i)}[options]`;
      depth++;
    } else if (full[i] === ']') depth--;
  }
  return full;
}

export function helpText(command: CommandSpec | null, ports?: HelpPorts): string {
  if (command) {
    return [
      ...wrap(command.usage, HELP_WIDTH, 'usage: ', '         '),
      '',
      ...wrap(`${command.summary}.`, HELP_WIDTH, '  ', '  '),
      ...(command.details ? ['', ...wrap(command.details, HELP_WIDTH, '  ', '  ')] : []),
      '',
      'examples:',
      ...command.examples.map((e) => `  ${e}`),
    ].join('\n');
  }
  // Short usages share a column with their summary; a long one gets a line of its own.
  const col = 32;
  const lines = [
    'clp: a local proxy for AI coding CLIs, switchable live without losing the conversation',
    ...(ports ? ['', ...ports.services.map((s) => `  ${s.label.padEnd(12)} ${s.url}`), `  ${'dashboard'.padEnd(12)} ${ports.ui}  (clp ui)`] : []),
    '',
    'usage: clp <command> [options]',
    '',
  ];
  for (const c of COMMANDS) {
    // A long usage is shortened to its words; `clp help <command>` has every option.
    const full = c.usage.replace(/^clp /, '');
    const usage = full.length > 60 ? shortUsage(full) : full;
    const left = `  ${usage.padEnd(col)}  `;
    if (usage.length > col) lines.push(`  ${usage}`, ...wrap(c.summary, HELP_WIDTH, ' '.repeat(col + 4), ' '.repeat(col + 4)));
    else lines.push(...wrap(c.summary, HELP_WIDTH, left, ' '.repeat(left.length)));
  }
  lines.push(
    '',
    ...wrap(
      'Files live in $CLP_HOME (default ~/.clp). Ports: CLP_CLAUDE_PORT, CLP_CODEX_PORT, CLP_GEMINI_PORT, CLP_UI_PORT (or "ports" in settings.json); bind address: CLP_HOST.',
      HELP_WIDTH,
      '',
      '',
    ),
    'Run `clp help <command>` for its details and examples; `clp --version` for the version.',
  );
  return lines.join('\n');
}
