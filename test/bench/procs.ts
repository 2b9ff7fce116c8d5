// Starting, pinning and pausing the bench's processes: the upstream, the floor and the CLPs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Whether processes can be pinned to cores (taskset, and two cores to spread them over). */
export const canPin = existsSync('/usr/bin/taskset') && cpus().length >= 2;

/** Every process `launch` started, for `killAll`. */
const started: ChildProcess[] = [];

/**
 * Starts a process (pinned to core `cpu` where possible; `null`: anywhere) and waits for a line of its
 * output matching `ready`.
 */
export function launch(cmd: string[], env: NodeJS.ProcessEnv, cpu: number | null, ready: RegExp): Promise<{ proc: ChildProcess; line: string }> {
  const [bin, ...args] = canPin && cpu !== null ? ['taskset', '-c', String(cpu), ...cmd] : cmd;
  const proc = spawn(bin!, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      const m = out.split('\n').find((l) => ready.test(l));
      if (m) resolve({ proc, line: m });
    });
    proc.on('exit', (code) => reject(new Error(`${cmd.join(' ')} exited (${code}) before it was ready`)));
  });
}

/** The bench's fake Anthropic upstream (`upstream.ts`) on a free port, pinned to `cpu` where possible. */
export async function startUpstream(cpu: number | null, env: NodeJS.ProcessEnv = process.env): Promise<{ proc: ChildProcess; url: string }> {
  const up = await launch([process.execPath, '--import', 'tsx', join(__dirname, 'upstream.ts'), '0'], env, cpu, /^\d+$/);
  return { proc: up.proc, url: `http://127.0.0.1:${up.line.trim()}` };
}

/** Stops every process `launch` started. */
export function killAll(): void {
  for (const p of started) p.kill('SIGTERM');
}

/** Pins this process, threads and all, to `cpuList` (`1`, `0-1`) where it can. */
export function pinSelf(cpuList: string): void {
  if (canPin) execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}
