import { stopProcess } from '../../core/process.ts';
import { ClpError } from '../../shared/errors.ts';
import { EXIT, type CliContext } from '../context.ts';

/**
 * Stops the owner the dashboard port names (its pid comes from the live process, never from a file).
 * A VS Code window is not stopped from here: that would kill the user's editor host.
 */
export async function stopCommand(ctx: CliContext): Promise<number> {
  const probe = await ctx.owner.probe();
  // Only an owner that proved itself is stopped: a pid from anything else could be any process.
  if (probe.kind === 'foreign') throw new ClpError('owner_unverified', `${probe.message}; not stopping anything`);
  const report = probe.kind === 'owner' ? probe.status : null;
  if (!report?.owner) {
    ctx.out('CLP is not running');
    return EXIT.ok;
  }
  const { pid, kind } = report.owner;
  if (kind === 'vscode') {
    ctx.err(`clp: CLP runs inside a VS Code window (pid ${pid}), which only that window may stop: use "CLP: Stop Proxy" there (or close the window)`);
    return EXIT.ownedElsewhere;
  }
  const what = kind === 'foreground' ? `a foreground CLP (pid ${pid}, \`clp start --foreground\` in another terminal)` : `CLP (pid ${pid})`;
  if ((await stopProcess(pid)) === 'killed') ctx.out(`${what} did not stop within 10 s and was killed`);
  else ctx.out(kind === 'foreground' ? `stopped ${what}` : `CLP stopped (pid ${pid})`);
  return EXIT.ok;
}
