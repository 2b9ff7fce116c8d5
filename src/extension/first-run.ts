import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { planClaudeExtensionEnv, planClaudeSettingsFile } from '../core/setup/claude.ts';
import { codexSteps, geminiSteps, type SetupStep } from '../core/setup/steps.ts';
import { claudeSettingKey, exists, geminiDir, runDoctor, setUpClaudeCode, setUpCodex, setUpGeminiCli, setupFacts, type SetupContext } from './client-setup.ts';

import { type Offer, type OfferFacts, offersFor } from './first-run-offers.ts';

export type { Offer, OfferFacts };

/** Whether a client's setup would change nothing (its files are as the setup writes them); `unreadable`: what a file that cannot be read counts as. */
const inPlace = (steps: Promise<SetupStep[]>, unreadable: boolean) =>
  steps.then(
    (all) => all.every((step) => step.changes.length === 0),
    () => unreadable,
  );

const NEVER_KEY = (o: Offer) => `clp.setupOffer.${o}`;
const CLAUDE_EXTENSION = 'anthropic.claude-code';
const readText = (file: string) => readFile(file, 'utf8').catch(() => null);

const TEXT: Record<Offer, string> = {
  claude:
    'Point Claude Code at CLP? Its requests then go through CLP, so you can switch provider without restarting it. You see every change before it is made.',
  codex:
    'Point Codex at CLP? It gets a CLP provider in ~/.codex/config.toml, so you can switch provider without restarting it. You see every change before it is made.',
  gemini:
    'Point Gemini CLI at CLP? Its base URL goes in ~/.gemini/.env, so you can switch provider without restarting it. You see every change before it is made.',
};

const SET_UP: Record<Offer, (ctx: SetupContext) => Promise<boolean>> = { claude: setUpClaudeCode, codex: setUpCodex, gemini: setUpGeminiCli };

/**
 * The design card's automatic setup: on activation, and whenever the Claude Code extension is
 * installed or enabled later, one notification per client that does not point at CLP yet. Set Up
 * shows the exact change (as the commands do), applies it with a backup and an undo, then runs the
 * doctor. "Don't ask again" is remembered; "Not now" holds for this window.
 */
export class FirstRun {
  private readonly asked = new Set<Offer>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly state: vscode.Memento,
    private readonly setup: () => Promise<SetupContext>,
  ) {}

  /** Offers what needs offering; calls made while offers are open wait for them. */
  run(): Promise<void> {
    this.running ??= this.offer().finally(() => (this.running = null));
    return this.running;
  }

  private async facts(ctx: SetupContext): Promise<OfferFacts> {
    const secret = ctx.clientSecret ?? undefined;
    const key = claudeSettingKey();
    const current = vscode.workspace.getConfiguration().inspect(key)?.globalValue;
    const claudeFile = join(homedir(), '.claude', 'settings.json');
    const claudeText = await readText(claudeFile);
    return {
      claudeExtension: vscode.extensions.getExtension(CLAUDE_EXTENSION) !== undefined,
      claudeExtensionAtClp: planClaudeExtensionEnv(current, ctx.claudeUrl, secret).changes.length === 0,
      claudeFile: claudeText !== null,
      claudeFileAtClp: claudeText !== null && planClaudeSettingsFile(claudeText, ctx.claudeUrl, claudeFile, secret).changes.length === 0,
      codexDir: await exists(join(homedir(), '.codex')),
      // Its provider in config.toml and a profile file per config.
      codexAtClp: await inPlace(codexSteps(setupFacts(ctx)), false),
      geminiDir: await exists(geminiDir()),
      geminiAtClp: await inPlace(geminiSteps(setupFacts(ctx)), true),
      never: {
        claude: this.state.get(NEVER_KEY('claude')) === true,
        codex: this.state.get(NEVER_KEY('codex')) === true,
        gemini: this.state.get(NEVER_KEY('gemini')) === true,
      },
    };
  }

  private async offer(): Promise<void> {
    const ctx = await this.setup();
    for (const offer of offersFor(await this.facts(ctx))) {
      if (this.asked.has(offer)) continue;
      this.asked.add(offer);
      const answer = await vscode.window.showInformationMessage(TEXT[offer], 'Set Up', 'Not now', "Don't ask again");
      if (answer === "Don't ask again") await this.state.update(NEVER_KEY(offer), true);
      if (answer !== 'Set Up') continue;
      const applied = await SET_UP[offer](ctx);
      // What still defeats the setup (a shell variable, a workspace file, another profile) is said now.
      if (applied) await runDoctor(ctx);
    }
  }
}
