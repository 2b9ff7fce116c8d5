import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../core/fs/atomic.ts';
import type { ClpPaths } from '../core/paths.ts';
import { ClpError, toErrorShape, type ErrorShape } from '../shared/errors.ts';

/** The hidden argv word that makes `cli.js` run as the daemon. */
export const DAEMON_ARG = '__daemon';

export type DaemonMessage = { ok: true } | { ok: false; error: ErrorShape };

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
