import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigView } from '../../shared/dashboard.ts';
import type { DoctorInput } from './doctor.ts';
import type { GeminiFacts } from './gemini.ts';
import type { ForeignModel } from './window-advice.ts';

/** A file's text; null when it is not there (any other error is the caller's to see). */
export const readText = (file: string): Promise<string | null> =>
  readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));

/** A JSON file's object; null when it is missing, unreadable or not JSON (the doctor then sees no settings in it). */
export async function readJson(file: string): Promise<Record<string, unknown> | null> {
  const text = await readText(file).catch(() => null);
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Gemini CLI's own folder (`GEMINI_CLI_HOME` moves it, as Gemini CLI does). */
export function geminiDir(env: Record<string, string | undefined>, home: string): string {
  return join(env.GEMINI_CLI_HOME || home, '.gemini');
}

/** What the doctor reads for Gemini CLI; null when it is not used here (no `~/.gemini`). */
async function geminiFacts(env: Record<string, string | undefined>, home: string, folders: readonly string[]): Promise<GeminiFacts | null> {
  const dir = geminiDir(env, home);
  const used = await access(dir).then(
    () => true,
    () => false,
  );
  if (!used) return null;
  const projectEnvFiles: Array<[string, string]> = [];
  for (const folder of folders) {
    for (const f of [join(folder, '.gemini', '.env'), join(folder, '.env')]) {
      const text = await readText(f).catch(() => null);
      if (text !== null) {
        projectEnvFiles.push([f, text]);
        break;
      }
    }
  }
  return { envFile: await readText(join(dir, '.env')).catch(() => null), settings: await readJson(join(dir, 'settings.json')), projectEnvFiles };
}

/**
 * The files the doctor reads, for a home folder and the project folders in view (VS Code's
 * workspace folders, or the terminal's current folder): Claude Code's settings (user, then each
 * project's), Codex's config.toml and Gemini CLI's files.
 */
export async function doctorFiles(
  env: Record<string, string | undefined>,
  home: string,
  folders: readonly string[],
): Promise<Pick<DoctorInput, 'claudeFiles' | 'codexToml'> & { gemini: GeminiFacts | null }> {
  const files = [join(home, '.claude', 'settings.json'), join(home, '.claude', 'settings.local.json')];
  for (const folder of folders) files.push(join(folder, '.claude', 'settings.json'), join(folder, '.claude', 'settings.local.json'));
  const claudeFiles: Array<[string, Record<string, unknown> | null]> = [];
  for (const f of files) claudeFiles.push([f, await readJson(f)]);
  return { claudeFiles, codexToml: await readText(join(home, '.codex', 'config.toml')), gemini: await geminiFacts(env, home, folders) };
}

/** What the running CLP's Claude configs tell the doctor: tool search served, and models that are not Claude's. */
export function claudeConfigFacts(configs: readonly ConfigView[]): { claudeToolSearch: boolean; claudeForeignModels: ForeignModel[] } {
  return {
    claudeToolSearch: configs.some((c) => c.tool_search),
    claudeForeignModels: configs.flatMap((c) =>
      (c.model_windows ?? []).filter((m) => !/claude|anthropic/i.test(m.model)).map((m) => ({ config: c.name, ...m })),
    ),
  };
}
