import { spawn } from 'node:child_process';
import { EXIT, type CliContext } from '../context.ts';
import { startCommand } from './start.ts';

/** Makes sure an owner serves the dashboard port, prints its URL (with the page's key) and, unless told not to, opens it. */
export async function uiCommand(ctx: CliContext, open: boolean): Promise<number> {
  if ((await ctx.owner.probe()).kind === 'none') {
    // The dashboard needs CLP: started here, and said so (on stderr, so the URL alone is on stdout).
    const quiet: CliContext = { ...ctx, out: () => undefined };
    await startCommand(quiet, false);
    const probe = await ctx.owner.probe();
    ctx.err(`CLP was not running: started it (pid ${probe.kind === 'owner' ? probe.status.owner?.pid : '?'}); stop it with \`clp stop\``);
  }
  // The page's key travels in the fragment: browsers never send it to a server or put it in a log.
  // It goes only to an owner that proved it holds it (a squatter's page could read the fragment).
  const token = await ctx.owner.verifiedToken();
  const url = `${ctx.owner.base}/#token=${token}`;
  ctx.out(url);
  if (open) openBrowser(url);
  return EXIT.ok;
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener here: the printed URL is enough.
  }
}
