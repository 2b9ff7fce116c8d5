import { join } from 'node:path';
import { launch } from './launch.ts';

// The `clp` executable: the CLI bundle beside it, run from V8's code cache (launch.ts).
launch(join(__dirname, 'cli-main.js'), process.env);
