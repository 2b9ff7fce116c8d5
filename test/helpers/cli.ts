import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Ports } from '../../src/shared/services.ts';
import { freePorts, portEnv } from './home.ts';

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a `clp` run isolated from the user's: its own home and free ports. */
export async function isolatedEnv(home: string): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CLP_HOME: home,
    ...portEnv(await freePorts()),
  };
}

/** The environment of a `clp` run against a running core in `home`: its ports, its CLP_HOME. */
export function envFor(home: string, ports: Ports): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CLP_HOME: home,
    ...portEnv(ports),
  };
}

/** Runs the built `clp` (dist/cli.js, as users get it) and collects its output and exit code. */
export function clp(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000, input?: string, cwd?: string): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
