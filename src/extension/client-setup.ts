import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { planClaudeExtensionEnv } from '../core/setup/claude.ts';
import { diagnose, type Finding } from '../core/setup/doctor.ts';
import { claudeSteps, codexSteps, geminiSteps, type SetupFacts, type SetupStep } from '../core/setup/steps.ts';
import { doctorFiles, geminiDir as geminiFolder } from '../core/setup/doctor-facts.ts';
import { recordChange, undoLast } from '../core/setup/history.ts';
import { type ForeignModel, windowAdvice } from '../core/setup/window-advice.ts';

export interface SetupContext {
  claudeUrl: string;
  codexUrl: string;
  geminiUrl: string;
  /** CLP's client secret when the `clientSecret` setting is on: what the clients must send as their key. */
  clientSecret: string | null;
  historyFile: string;
  /** `$CLP_HOME` and its data folder: where the statusline's script and files go. */
  home: string;
  dataDir: string;
  output: vscode.OutputChannel;
  /** Claude configs' models that are not Claude models, with their windows: the doctor explains Claude Code's window settings for them. */
  claudeForeignModels: ForeignModel[];
  /** Whether a Claude config serves tool search (`tool_search: true`): the setup then turns it on in Claude Code. */
  claudeToolSearch: boolean;
  /** The Codex configs: each gets a profile bound to it (`codex --profile clp-<config>`). */
  codexConfigs: readonly string[];
}

const CLAUDE_EXTENSION = 'anthropic.claude-code';
const CURRENT_KEY = 'claudeCode.environmentVariables';
const OLD_KEY = 'claude-code.environmentVariables';

/**
 * The setting the installed Claude Code extension declares: `claudeCode.environmentVariables` in
 * current releases, `claude-code.environmentVariables` in older ones. Without the extension, the
 * current name.
 */
export function claudeSettingKey(): string {
  const contributes = vscode.extensions.getExtension(CLAUDE_EXTENSION)?.packageJSON?.contributes as { configuration?: unknown } | undefined;
  const sections = Array.isArray(contributes?.configuration) ? contributes.configuration : [contributes?.configuration];
  const keys = new Set(sections.flatMap((s) => Object.keys((s as { properties?: object } | undefined)?.properties ?? {})));
  return keys.has(OLD_KEY) && !keys.has(CURRENT_KEY) ? OLD_KEY : CURRENT_KEY;
}

const home = () => homedir();
/** Whether a file or folder is there. */
export const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Shows the changes (and `notes` below them) and asks; nothing is written unless the user says so. */
async function confirm(title: string, changes: string[], notes: string[] = []): Promise<boolean> {
  const below = notes.length ? `\n\n${notes.join('\n')}` : '';
  if (!changes.length) {
    if (notes.length) void vscode.window.showInformationMessage(`${title}: already set up, nothing to change.`, { modal: true, detail: below.trim() });
    else void vscode.window.showInformationMessage(`${title}: already set up, nothing to change.`);
    return false;
  }
  const answer = await vscode.window.showInformationMessage(title, { modal: true, detail: `${changes.map((c) => `• ${c}`).join('\n')}${below}` }, 'Apply');
  return answer === 'Apply';
}

/** Like `confirm`, but silent when there is nothing to change (an extra the user may already have). */
async function confirmOptional(title: string, changes: string[]): Promise<boolean> {
  return changes.length > 0 && confirm(title, changes);
}

/** What the shared setup steps need, from the editor's context. */
export function setupFacts(ctx: SetupContext): SetupFacts {
  return {
    userHome: home(),
    env: process.env,
    clpHome: ctx.home,
    dataDir: ctx.dataDir,
    historyFile: ctx.historyFile,
    claudeUrl: ctx.claudeUrl,
    codexUrl: ctx.codexUrl,
    geminiUrl: ctx.geminiUrl,
    clientSecret: ctx.clientSecret,
    claudeToolSearch: ctx.claudeToolSearch,
    codexConfigs: ctx.codexConfigs,
    platform: process.platform,
  };
}

/** Asks for each step (an extra only when it would change something) and applies those the user takes. */
async function applySteps(ctx: SetupContext, steps: SetupStep[]): Promise<boolean> {
  let applied = false;
  for (const step of steps) {
    if (!(await (step.optional ? confirmOptional(step.title, step.changes) : confirm(step.title, step.changes, step.notes)))) continue;
    await step.apply(new Date());
    ctx.output.appendLine(`setup: ${step.changes.join('; ')}`);
    applied = true;
  }
  return applied;
}

export async function setUpClaudeCode(ctx: SetupContext): Promise<boolean> {
  const key = claudeSettingKey();
  const config = vscode.workspace.getConfiguration();
  const current = config.inspect(key)?.globalValue;
  const plan = planClaudeExtensionEnv(current, ctx.claudeUrl, ctx.clientSecret ?? undefined, ctx.claudeToolSearch);
  let applied = false;
  if (await confirm(`Point the Claude Code extension at CLP (user setting ${key})?`, plan.changes, windowAdvice(ctx.claudeForeignModels))) {
    await recordChange(ctx.historyFile, {
      at: new Date().toISOString(),
      what: `user setting ${key}`,
      target: { kind: 'setting', key },
      before: current === undefined ? null : JSON.stringify(current),
    });
    await config.update(key, plan.next, vscode.ConfigurationTarget.Global);
    ctx.output.appendLine(`setup: ${key}: ${plan.changes.join('; ')}`);
    applied = true;
  }
  // After the extension's own question, the terminal CLI's file comes as an "also".
  const [file, ...rest] = await claudeSteps(setupFacts(ctx));
  const also = { ...file!, title: `Also ${file!.title.charAt(0).toLowerCase()}${file!.title.slice(1)}` };
  applied = (await applySteps(ctx, [also, ...rest])) || applied;
  if (applied) void vscode.window.showInformationMessage('Claude Code now goes through CLP (new sessions). "CLP: Undo Last Setup Change" reverts it.');
  return applied;
}

export async function setUpCodex(ctx: SetupContext): Promise<boolean> {
  if (!(await applySteps(ctx, await codexSteps(setupFacts(ctx))))) return false;
  void vscode.window.showInformationMessage('Codex now goes through CLP (new sessions). "CLP: Undo Last Setup Change" reverts it.');
  return true;
}

/** Gemini CLI's own folder (`GEMINI_CLI_HOME` moves it, as Gemini CLI does). */
export function geminiDir(env: NodeJS.ProcessEnv = process.env): string {
  return geminiFolder(env, home());
}

export async function setUpGeminiCli(ctx: SetupContext): Promise<boolean> {
  if (!(await applySteps(ctx, await geminiSteps(setupFacts(ctx))))) return false;
  void vscode.window.showInformationMessage('Gemini CLI now goes through CLP (new sessions). "CLP: Undo Last Setup Change" reverts it.');
  return true;
}

export async function undoSetup(ctx: SetupContext): Promise<void> {
  const change = await undoLast(ctx.historyFile, async (key, value) => {
    await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
  });
  ctx.output.appendLine(`setup: undid ${change.what} (from ${change.at})`);
  void vscode.window.showInformationMessage(`Undid: ${change.what}`);
}

export async function runDoctor(ctx: SetupContext): Promise<Finding[]> {
  const files = await doctorFiles(
    process.env,
    home(),
    (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
  );
  const installed = vscode.extensions.getExtension(CLAUDE_EXTENSION) !== undefined;
  const findings = diagnose({
    claudeUrl: ctx.claudeUrl,
    codexUrl: ctx.codexUrl,
    env: process.env,
    claudeFiles: files.claudeFiles,
    extensionEnv: installed
      ? ((vscode.workspace.getConfiguration().get(claudeSettingKey()) as Array<{ name: string; value: string }> | undefined) ?? [])
      : null,
    codexToml: files.codexToml,
    claudeToolSearch: ctx.claudeToolSearch,
    foreignModels: ctx.claudeForeignModels,
    gemini: files.gemini ? { url: ctx.geminiUrl, facts: files.gemini } : null,
  });
  ctx.output.appendLine('doctor:');
  for (const f of findings) ctx.output.appendLine(`  [${f.severity}] ${f.message}${f.fix ? `\n      fix: ${f.fix}` : ''}`);
  const problems = findings.filter((f) => f.severity !== 'ok');
  if (!problems.length) void vscode.window.showInformationMessage(findings[0]!.message);
  else {
    void vscode.window
      .showWarningMessage(`CLP doctor: ${problems[0]!.message}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}. ${problems[0]!.fix}`, 'Show All')
      .then((a) => a && ctx.output.show());
  }
  return findings;
}
