import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { noPorts, PORT_NAMES, type Ports, type ServiceName } from '../../src/shared/services.ts';
import { portVariable } from '../../src/core/settings.ts';

/** A fresh `CLP_HOME` for one test: never the real `~/.clp`. */
export async function tempHome(): Promise<{ home: string; cleanup(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'clp-test-'));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export async function writeConfig(home: string, service: ServiceName, value: unknown): Promise<string> {
  await mkdir(home, { recursive: true });
  const file = join(home, `${service}.json`);
  await writeFile(file, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** A port that was free a moment ago (for tests that must run `clp` as a separate process). */
/** Ports handed out in this process: the kernel may give a just-closed port again, to the next caller. */
const handedOut = new Set<number>();

/** A loopback port free now, and never one this process was given before (two callers never share one). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}

/** A free port for every listener (each service's and the dashboard's). */
export async function freePorts(): Promise<Ports> {
  const ports = noPorts();
  for (const which of PORT_NAMES) ports[which] = await freePort();
  return ports;
}

/** `CLP_CLAUDE_PORT=…` and the rest: the variables that put `clp` on these ports. */
export function portEnv(ports: Ports): Record<string, string> {
  return Object.fromEntries(PORT_NAMES.map((which) => [portVariable(which), String(ports[which])]));
}
