/** Whether a process exists (EPERM: it does, as another user's). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Asks a process to stop (SIGTERM, so it finishes its requests and closes its log) and waits up to
 * `graceMs`; one still there then is killed. Says which it came to.
 */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<'stopped' | 'killed'> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isProcessAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  if (!isProcessAlive(pid)) return 'stopped';
  process.kill(pid, 'SIGKILL');
  return 'killed';
}
