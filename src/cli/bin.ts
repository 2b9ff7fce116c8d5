import { setFlagsFromString } from 'node:v8';
import { DAEMON_ARG } from './daemon.ts';
import { main } from './main.ts';

const argv = process.argv.slice(2);
/** The daemon and `start --foreground` host the proxy; every other command asks it and ends. */
const oneShot = argv[0] !== DAEMON_ARG && !(argv[0] === 'start' && argv.includes('--foreground'));
// A one-shot command compiles undici's HTTP parser (WebAssembly) with the baseline compiler only: at
// exit, node waited ~250 ms for V8's optimising compile of it (a worker thread it joins), which the
// command never used.
if (oneShot) setFlagsFromString('--liftoff-only');

// A reader that went away (`clp start | head -1`, `clp logs | less` closed early) is not an error:
// there is nobody left to tell, so the command ends quietly (a daemon it started keeps running).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// The `clp` executable. Kept apart from main.ts so tests can call main() in-process.
main(argv, process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`clp: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
