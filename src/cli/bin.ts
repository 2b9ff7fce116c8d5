import { main } from './main.ts';

// The `clp` executable. Kept apart from main.ts so tests can call main() in-process.
main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`clp: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
