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
    throw new ClpError('owned_elsewhere', `the ports are owned by a VS Code window (pid ${pid}); stop CLP from VS Code ("CLP: Stop Proxy")`);
  }
  if ((await stopProcess(pid)) === 'killed') ctx.out(`CLP (pid ${pid}) did not stop within 10 s and was killed`);
  else ctx.out(`CLP stopped (pid ${pid})`);
  return EXIT.ok;
}
