import { DAEMON_ARG } from './daemon.ts';
import { main } from './main.ts';

// A reader that went away (`clp start | head -1`, `clp logs | less` closed early) is not an error:
// there is nobody left to tell, so the command ends quietly (a daemon it started keeps running).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/**
 * A one-shot command ends once its output is written: left to itself, node lingered some 230 ms
 * after the answer (the owner client's idle keep-alive socket), a third of `clp logs`. The daemon and
 * `start --foreground` never get here while they serve.
 */
function exitOnceWritten(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// The `clp` executable. Kept apart from main.ts so tests can call main() in-process.
main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
    if (process.argv[2] !== DAEMON_ARG) exitOnceWritten(code);
  },
  (e: unknown) => {
    process.stderr.write(`clp: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
