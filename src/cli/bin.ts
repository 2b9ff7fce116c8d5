import { main } from './main.ts';

const argv = process.argv.slice(2);

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
