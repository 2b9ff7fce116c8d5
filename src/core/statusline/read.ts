import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_RUNNING_LINE } from './line.ts';
import { SESSION_FILE_ID } from './script.ts';

const SESSION = /"session_id"\s*:\s*"([A-Za-z0-9._-]{1,128})"/;

const readLine = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8').split('\n')[0] ?? null;
  } catch {
    return null;
  }
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What the statusline prints for the JSON Claude Code passed it: the same as the bash script
 * (`script.ts`), for `clp statusline` where bash is not the shell. Never throws.
 */
export function statuslineText(dir: string, input: string): string {
  let line = NOT_RUNNING_LINE;
  let theirs = '';
  try {
    const previous = readLine(join(dir, 'previous'));
    if (previous) theirs = spawnSync('sh', ['-c', previous], { input, encoding: 'utf8', timeout: 5000 }).stdout?.replace(/\n+$/, '') ?? '';
  } catch {
    theirs = '';
  }
  const sid = SESSION.exec(input)?.[1] ?? null;
  const pid = Number(readLine(join(dir, 'owner.pid')));
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    if (sid && SESSION_FILE_ID.test(sid)) {
      try {
        writeFileSync(join(dir, `${sid}.in`), input, { mode: 0o600 });
      } catch {
        // the line still prints
      }
    }
    line = (sid ? readLine(join(dir, `${sid}.line`)) : null) ?? readLine(join(dir, 'active')) ?? line;
  }
  if (!theirs) return line;
  return theirs.includes('\n') ? `${theirs}\n${line}` : `${theirs}  ${line}`;
}
