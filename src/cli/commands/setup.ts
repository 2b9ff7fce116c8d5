import { homedir } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { hostForUrl } from '../../core/net.ts';
import { loadStores } from '../../core/offline.ts';
import { ensureClientSecret } from '../../core/owner/client-secret.ts';
import { undoLast } from '../../core/setup/history.ts';
import { claudeSteps, codexSteps, geminiSteps, type SetupFacts, type SetupStep } from '../../core/setup/steps.ts';
import { ClpError } from '../../shared/errors.ts';
import { clientUrl } from '../../shared/service-profile.ts';
import { isServiceName, SERVICES } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';

const STEPS = { claude: claudeSteps, codex: codexSteps, gemini: geminiSteps };
const CLIENT = { claude: 'Claude Code', codex: 'Codex', gemini: 'Gemini CLI' };

async function setupFacts(ctx: CliContext): Promise<SetupFacts> {
  const settings = await ctx.settings();
  const host = hostForUrl(settings.host);
  const stores = await loadStores(ctx.paths);
  return {
    userHome: homedir(),
    env: ctx.env,
    clpHome: ctx.paths.home,
    dataDir: ctx.paths.dataDir,
    historyFile: ctx.paths.setupHistory,
    claudeUrl: clientUrl('claude', host, settings.ports.claude),
    codexUrl: clientUrl('codex', host, settings.ports.codex),
    geminiUrl: clientUrl('gemini', host, settings.ports.gemini),
    clientSecret: settings.clientSecret ? await ensureClientSecret(ctx.paths.clientSecret) : null,
    claudeToolSearch: stores.claude.snapshot().entries.some((e) => e.toolSearch),
    codexConfigs: stores.codex.snapshot().entries.map((e) => e.name),
    platform: process.platform,
  };
}

/** One step as the terminal shows it: its question, then each change. */
export function stepText(step: SetupStep): string {
  return [step.title.replace(/\?.*$/, ':'), ...step.changes.map((c) => `  • ${c}`), ...(step.notes ?? []).map((n) => `  (${n})`)].join('\n');
}

/**
 * `clp setup <claude|codex|gemini> [--yes]`: the changes that point a client at CLP for good (the
 * files VS Code's "CLP: Set Up …" writes, backups kept), shown, then made once confirmed; `--yes`
 * makes them without asking. `clp setup undo` takes the last one back.
 */
export async function setupCommand(ctx: CliContext, what: string, yes: boolean): Promise<number> {
  if (what === 'undo') {
    let setting: string | null = null;
    const change = await undoLast(ctx.paths.setupHistory, async (key) => {
      // Nothing is undone: the history keeps the change for VS Code's own undo.
      setting = key;
      throw new Error(key);
    }).catch((err: Error) => {
      if (setting === null) throw err;
      return null;
    });
    if (!change) {
      ctx.err(`clp: the last setup change is VS Code's user setting ${setting}: undo it there ("CLP: Undo Last Setup Change")`);
      return EXIT.failed;
    }
    ctx.out(`undone: the change to ${change.what} made ${change.at}`);
    return EXIT.ok;
  }
  if (!isServiceName(what)) throw new ClpError('bad_request', `setup: expected ${SERVICES.join(', ')} or undo, got "${what}"`);
  const steps = (await STEPS[what](await setupFacts(ctx))).filter((s) => s.changes.length);
  if (!steps.length) {
    ctx.out(`${CLIENT[what]} already goes through CLP: nothing to change.`);
    return EXIT.ok;
  }
  ctx.out(steps.map(stepText).join('\n'));
  if (!yes) {
    if (!process.stdin.isTTY) {
      ctx.err('clp: nothing was written: no terminal to ask in; run it again with --yes to make these changes');
      return EXIT.usage;
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question('Make these changes? [y/N] ').finally(() => rl.close());
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.out('Nothing was written.');
      return EXIT.ok;
    }
  }
  for (const step of steps) await step.apply(new Date());
  ctx.out(
    `${CLIENT[what]} now goes through CLP (its new sessions); \`clp setup undo\` takes the last change back, \`clp doctor\` checks that nothing else (a shell variable, a project's settings) points it elsewhere.`,
  );
  return EXIT.ok;
}
