import type { Core } from '../core/core.ts';
import { ensurePrivateDir } from '../core/fs/atomic.ts';
import { createFileLogger } from '../core/log.ts';
import type { ClpPaths } from '../core/paths.ts';
import { toErrorShape } from '../shared/errors.ts';
import type { OwnerKind } from '../shared/status.ts';
import type { DaemonMessage } from './daemon.ts';

// The body of the processes that host the engine: the daemon and `clp start --foreground`. The engine
// itself (`dist/engine.js`) is loaded here by a dynamic import; every other command only talks to the
// owner and never evaluates it.

/**
 * The body of an owner process (the daemon, or `clp start --foreground`): run the core until SIGTERM
 * or SIGINT, then stop gracefully (in-flight requests get a few seconds to finish).
 */
export async function runOwner(paths: ClpPaths, kind: Exclude<OwnerKind, 'vscode'>, echo?: (line: string) => void): Promise<Core> {
  await ensurePrivateDir(paths.home);
  await ensurePrivateDir(paths.runDir);
  const log = createFileLogger(paths.log, { echo });
  let core: Core;
  try {
    const { createCore } = await import('../core/core.ts');
    core = await createCore({ home: paths.home, ownerKind: kind, log });
    await core.start();
  } catch (err) {
    log.error(`start failed: ${toErrorShape(err).message}`);
    await log.close();
    throw err;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    void core
      .stop()
      .then(() => log.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  return core;
}

/** Entry point of the detached daemon child: report ready or the reason over IPC, then keep running. */
export async function daemonMain(paths: ClpPaths): Promise<void> {
  try {
    await runOwner(paths, 'daemon');
    process.send?.({ ok: true } satisfies DaemonMessage);
  } catch (err) {
    process.send?.({ ok: false, error: toErrorShape(err) } satisfies DaemonMessage);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  }
  if (process.connected) process.disconnect();
}
