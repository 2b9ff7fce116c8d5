import { spawn } from 'node:child_process';
import { EXIT, type CliContext } from '../context.ts';
import { probeOwner } from '../owner-client.ts';
import { startCommand } from './start.ts';
import { readToken } from '../../core/ui/token.ts';

/** Makes sure an owner serves the dashboard port, prints its URL (with the page's key) and, unless told not to, opens it. */
export async function uiCommand(ctx: CliContext, open: boolean): Promise<number> {
  let report = await probeOwner(ctx.settings);
  if (!report) {
    const quiet: CliContext = { ...ctx, out: () => undefined };
    await startCommand(quiet, false);
    report = await probeOwner(ctx.settings, 5000);
  }
  const base = report?.ui.url ?? `http://127.0.0.1:${ctx.settings.ports.ui}/`;
  // The page's key travels in the fragment: browsers never send it to a server or put it in a log.
  const token = await readToken(ctx.paths.runDir);
  const url = token ? `${base}#token=${token}` : base;
  ctx.out(url);
  if (open) openBrowser(url);
  return EXIT.ok;
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener here: the printed URL is enough.
  }
}
