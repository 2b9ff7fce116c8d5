import { access, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { planClaudeExtensionEnv, planClaudeSettingsFile } from '../core/setup/claude.ts';
import { codexProfiles, planCodexConfig } from '../core/setup/codex.ts';
import { planGeminiEnv, planGeminiSettings } from '../core/setup/gemini.ts';
import { applyStatusLine, keptStatusline, planStatusLine, statuslineCommand } from '../core/setup/statusline.ts';
import { diagnose, type Finding } from '../core/setup/doctor.ts';
import { doctorFiles, geminiDir as geminiFolder, readText } from '../core/setup/doctor-facts.ts';
import { recordChange, undoLast, writeWithBackup } from '../core/setup/history.ts';
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
  const file = join(home(), '.claude', 'settings.json');
  const filePlan = planClaudeSettingsFile(await readText(file), ctx.claudeUrl, file, ctx.clientSecret ?? undefined, ctx.claudeToolSearch);
  if (await confirm(`Also point the Claude Code CLI in terminals at CLP (${file})? A backup is kept.`, filePlan.changes)) {
    await mkdir(dirname(file), { recursive: true });
    await writeWithBackup(ctx.historyFile, file, filePlan.next, file, new Date());
    ctx.output.appendLine(`setup: ${file}: ${filePlan.changes.join('; ')}`);
    applied = true;
  }
  // Claude Code's status line (the terminal CLI has one; the VS Code extension does not).
  const linePlan = planStatusLine(await readText(file), file, statuslineCommand(ctx.home, process.platform), await keptStatusline(ctx.dataDir));
  if (await confirmOptional(`Show CLP's line in Claude Code's status line (${file})? A backup is kept.`, linePlan.changes)) {
    await applyStatusLine(linePlan, { home: ctx.home, dataDir: ctx.dataDir, settingsFile: file, historyFile: ctx.historyFile, now: new Date() });
    ctx.output.appendLine(`setup: ${file}: ${linePlan.changes.join('; ')}`);
    applied = true;
  }
  if (applied) void vscode.window.showInformationMessage('Claude Code now goes through CLP (new sessions). "CLP: Undo Last Setup Change" reverts it.');
  return applied;
}

export async function setUpCodex(ctx: SetupContext): Promise<boolean> {
  const file = join(home(), '.codex', 'config.toml');
  const plan = planCodexConfig(await readText(file), ctx.codexUrl, ctx.clientSecret, ctx.codexConfigs);
  // A profile file per config: `codex --profile clp-<config>` stays on that config.
  const profiles: Array<{ path: string; text: string }> = [];
  for (const f of codexProfiles(ctx.codexConfigs).files) {
    const path = join(dirname(file), `${f.profile}.config.toml`);
    if ((await readText(path)) !== f.text) profiles.push({ path, text: f.text });
  }
  const changes = [
    ...plan.changes,
    ...profiles.map(
      (p) =>
        `add ${p.path} (codex --profile ${p.path
          .split(/[\\/]/)
          .pop()!
          .replace(/\.config\.toml$/, '')})`,
    ),
  ];
  if (!(await confirm(`Add a CLP provider to ${file} and select it? A backup is kept.`, changes))) return false;
  await mkdir(dirname(file), { recursive: true });
  if (plan.changes.length) await writeWithBackup(ctx.historyFile, file, plan.next, file, new Date());
  for (const p of profiles) await writeWithBackup(ctx.historyFile, p.path, p.text, p.path, new Date());
  ctx.output.appendLine(`setup: ${file}: ${plan.changes.join('; ')}`);
  void vscode.window.showInformationMessage('Codex now goes through CLP (new sessions). "CLP: Undo Last Setup Change" reverts it.');
  return true;
}

/** Gemini CLI's own folder (`GEMINI_CLI_HOME` moves it, as Gemini CLI does). */
export function geminiDir(env: NodeJS.ProcessEnv = process.env): string {
  return geminiFolder(env, home());
}

/** The Gemini CLI plans: `~/.gemini/.env` (base URL and key) and `~/.gemini/settings.json` (its auth type). */
export async function geminiPlans(ctx: SetupContext) {
  const dir = geminiDir();
  const envFile = join(dir, '.env');
  const settingsFile = join(dir, 'settings.json');
  return {
    envFile,
    settingsFile,
    env: planGeminiEnv(await readText(envFile), ctx.geminiUrl, ctx.clientSecret ?? undefined),
    settings: planGeminiSettings(await readText(settingsFile), settingsFile),
  };
}

export async function setUpGeminiCli(ctx: SetupContext): Promise<boolean> {
  const p = await geminiPlans(ctx);
  const changes = [...p.env.changes.map((c) => `${p.envFile}: ${c}`), ...p.settings.changes.map((c) => `${p.settingsFile}: ${c}`)];
  const notes = [
    'A project .env file is read instead of ~/.gemini/.env in its folder: there, start it with "clp run -- gemini" (the doctor lists such files).',
  ];
  if (!(await confirm('Point Gemini CLI at CLP? Backups are kept.', changes, notes))) return false;
  await mkdir(dirname(p.envFile), { recursive: true });
  if (p.env.changes.length) await writeWithBackup(ctx.historyFile, p.envFile, p.env.next, p.envFile, new Date());
  if (p.settings.changes.length) await writeWithBackup(ctx.historyFile, p.settingsFile, p.settings.next, p.settingsFile, new Date());
  ctx.output.appendLine(`setup: ${changes.join('; ')}`);
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
