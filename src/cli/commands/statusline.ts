import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClpError } from '../../shared/errors.ts';
import { applyStatusLine, keptStatusline, planStatusLine, statuslineCommand } from '../../core/setup/statusline.ts';
import { statuslineText } from '../../core/statusline/read.ts';
import { statuslineDir } from '../../core/statusline/script.ts';
import type { ClpPaths } from '../../core/paths.ts';
import { EXIT, type CliContext } from '../context.ts';

async function readStdin(limit = 1 << 20): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.length > limit) break;
  }
  return text;
}

/**
 * `clp statusline`: for Claude Code's `statusLine` setting. Reads the JSON Claude Code passes on
 * stdin and prints CLP's line for that session; a line even when CLP is not running, and never a
 * non-zero exit (Claude Code would show the error instead). The bash script the setup installs does
 * the same in a few milliseconds; this is the same answer where there is no bash.
 */
export async function statuslineMain(paths: ClpPaths, out: (text: string) => void): Promise<number> {
  try {
    out(statuslineText(statuslineDir(paths.dataDir), await readStdin()));
  } catch {
    out('CLP');
  }
  return EXIT.ok;
}

/** `clp statusline install`: points Claude Code's statusLine at CLP's line, keeping the user's own. */
export async function statuslineInstall(ctx: CliContext): Promise<number> {
  const file = join(ctx.env.HOME ?? homedir(), '.claude', 'settings.json');
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  const plan = planStatusLine(text, file, statuslineCommand(ctx.paths.home, process.platform), await keptStatusline(ctx.paths.dataDir));
  await applyStatusLine(plan, {
    home: ctx.paths.home,
    dataDir: ctx.paths.dataDir,
    settingsFile: file,
    historyFile: ctx.paths.setupHistory,
    now: new Date(),
  });
  ctx.out(
    plan.changes.length
      ? `${file}:\n${plan.changes.map((c) => `  ${c}`).join('\n')}\n(a backup is kept beside it)`
      : `${file}: the statusline is already CLP's`,
  );
  return EXIT.ok;
}

export function statuslineVerb(verb: string | undefined): 'show' | 'install' {
  if (verb === undefined) return 'show';
  if (verb === 'install') return 'install';
  throw new ClpError('bad_request', `statusline: expected nothing (print the line) or \`install\`, got "${verb}"`);
}
