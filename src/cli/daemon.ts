import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createCore, type Core } from '../core/core.ts';
import { ensurePrivateDir } from '../core/fs/atomic.ts';
import { createFileLogger } from '../core/log.ts';
import type { ClpPaths } from '../core/paths.ts';
import { ClpError, toErrorShape, type ErrorShape } from '../shared/errors.ts';
import type { OwnerKind } from '../shared/status.ts';

/** The hidden argv word that makes `cli.js` run as the daemon. */
export const DAEMON_ARG = '__daemon';

type DaemonMessage = { ok: true } | { ok: false; error: ErrorShape };

/**
 * Starts the daemon as a detached child and waits until it says its ports answer, or why it could
 * not start. Its early output (before the log is open) goes to `run/daemon.out`.
 */
export async function spawnDaemon(paths: ClpPaths, env: NodeJS.ProcessEnv, readyTimeoutMs = 15_000): Promise<{ pid: number }> {
  await ensurePrivateDir(paths.runDir);
  const out = openSync(join(paths.runDir, 'daemon.out'), 'a', 0o600);
  const child = spawn(process.execPath, [process.argv[1]!, DAEMON_ARG], {
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
    env,
    windowsHide: true,
  });
  closeSync(out);
  return new Promise((resolve, reject) => {
    const finish = (result: DaemonMessage) => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      if (result.ok) resolve({ pid: child.pid! });
      else reject(new ClpError(result.error.code, result.error.message));
    };
    const timer = setTimeout(() => {
      child.kill();
      finish({ ok: false, error: { code: 'internal', message: `CLP did not get ready within ${readyTimeoutMs / 1000} s; see ${paths.log}` } });
    }, readyTimeoutMs);
    child.once('message', (m) => finish(m as DaemonMessage));
    child.once('error', (err) => finish({ ok: false, error: toErrorShape(err) }));
    child.once('exit', (code) =>
      finish({ ok: false, error: { code: 'internal', message: `CLP exited (code ${code}) before it was ready; see ${paths.log}` } }),
    );
  });
}

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
