import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { planClaudeSettingsFile } from './claude.ts';
import { codexProfiles, planCodexConfig } from './codex.ts';
import { geminiDir, readText } from './doctor-facts.ts';
import { planGeminiEnv, planGeminiSettings } from './gemini.ts';
import { writeWithBackup } from './history.ts';
import { applyStatusLine, keptStatusline, planStatusLine, statuslineCommand } from './statusline.ts';

/** What a client's setup needs to know: where the files are, CLP's addresses, and the configs' facts. */
export interface SetupFacts {
  /** The user's home folder (where `.claude`, `.codex` and `.gemini` are). */
  userHome: string;
  env: Record<string, string | undefined>;
  /** `$CLP_HOME` and its data folder (the statusline's script, the setup history). */
  clpHome: string;
  dataDir: string;
  historyFile: string;
  claudeUrl: string;
  codexUrl: string;
  geminiUrl: string;
  /** CLP's client secret when the `clientSecret` setting is on: what the clients must send as their key. */
  clientSecret: string | null;
  claudeToolSearch: boolean;
  codexConfigs: readonly string[];
  platform: NodeJS.Platform;
}

/**
 * One file change a setup proposes: what it asks, the changes in words, and how to make them (with a
 * backup and an undo entry). A step with no changes is already done. `optional`: an extra, not
 * offered when already done; `notes`: said under the changes.
 */
export interface SetupStep {
  title: string;
  changes: string[];
  notes?: string[];
  optional?: boolean;
  apply(now: Date): Promise<void>;
}

/** Claude Code in terminals: `~/.claude/settings.json`'s env, then CLP's status line (an extra). */
export async function claudeSteps(f: SetupFacts): Promise<SetupStep[]> {
  const file = join(f.userHome, '.claude', 'settings.json');
  const plan = planClaudeSettingsFile(await readText(file), f.claudeUrl, file, f.clientSecret ?? undefined, f.claudeToolSearch);
  const settings: SetupStep = {
    title: `Point the Claude Code CLI in terminals at CLP (${file})? A backup is kept.`,
    changes: plan.changes,
    apply: async (now) => {
      await mkdir(dirname(file), { recursive: true });
      await writeWithBackup(f.historyFile, file, plan.next, file, now);
    },
  };
  // The status line touches only its own key; it is planned again when applied, on the file as the
  // step before left it (applied or declined).
  const planLine = async () => planStatusLine(await readText(file), file, statuslineCommand(f.clpHome, f.platform), await keptStatusline(f.dataDir));
  const statusLine: SetupStep = {
    title: `Show CLP's line in Claude Code's status line (${file})? A backup is kept.`,
    changes: (await planLine()).changes,
    optional: true,
    apply: async (now) => applyStatusLine(await planLine(), { home: f.clpHome, dataDir: f.dataDir, settingsFile: file, historyFile: f.historyFile, now }),
  };
  return [settings, statusLine];
}

/** Codex: a CLP provider in `~/.codex/config.toml`, selected, and a profile file per config (`codex --profile clp-<config>`). */
export async function codexSteps(f: SetupFacts): Promise<SetupStep[]> {
  const file = join(f.userHome, '.codex', 'config.toml');
  const plan = planCodexConfig(await readText(file), f.codexUrl, f.clientSecret, f.codexConfigs);
  const profiles: Array<{ path: string; profile: string; text: string }> = [];
  for (const p of codexProfiles(f.codexConfigs).files) {
    const path = join(dirname(file), `${p.profile}.config.toml`);
    if ((await readText(path)) !== p.text) profiles.push({ path, profile: p.profile, text: p.text });
  }
  return [
    {
      title: `Add a CLP provider to ${file} and select it? A backup is kept.`,
      changes: [...plan.changes, ...profiles.map((p) => `add ${p.path} (codex --profile ${p.profile})`)],
      apply: async (now) => {
        await mkdir(dirname(file), { recursive: true });
        if (plan.changes.length) await writeWithBackup(f.historyFile, file, plan.next, file, now);
        for (const p of profiles) await writeWithBackup(f.historyFile, p.path, p.text, p.path, now);
      },
    },
  ];
}

/** Gemini CLI: `~/.gemini/.env` (base URL and key) and `~/.gemini/settings.json` (its auth type). */
export async function geminiSteps(f: SetupFacts): Promise<SetupStep[]> {
  const dir = geminiDir(f.env, f.userHome);
  const envFile = join(dir, '.env');
  const settingsFile = join(dir, 'settings.json');
  const env = planGeminiEnv(await readText(envFile), f.geminiUrl, f.clientSecret ?? undefined);
  const settings = planGeminiSettings(await readText(settingsFile), settingsFile);
  return [
    {
      title: 'Point Gemini CLI at CLP? Backups are kept.',
      changes: [...env.changes.map((c) => `${envFile}: ${c}`), ...settings.changes.map((c) => `${settingsFile}: ${c}`)],
      notes: ['A project .env file is read instead of ~/.gemini/.env in its folder: there, start it with "clp run -- gemini" (the doctor lists such files).'],
      apply: async (now) => {
        await mkdir(dir, { recursive: true });
        if (env.changes.length) await writeWithBackup(f.historyFile, envFile, env.next, envFile, now);
        if (settings.changes.length) await writeWithBackup(f.historyFile, settingsFile, settings.next, settingsFile, now);
      },
    },
  ];
}
