import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../log.ts';
import { decodeTotals, newTotals, type Totals } from './db.ts';
import { readLegacyTotals } from './legacy-totals.ts';

export const TOTALS_FILE = 'totals.json';
const LEGACY_FILE = 'clp.sqlite';

/**
 * The saved totals: `totals.json`, or once an older CLP's `clp.sqlite` (`legacy` names it, to be
 * moved aside once the totals are saved anew). A file that cannot be read is kept aside for the user
 * rather than deleted, and the totals start afresh (`fresh`): the whole log is summed into them again.
 */
export async function readTotals(options: { dataDir: string; log: Logger }, now: number): Promise<{ totals: Totals; fresh: boolean; legacy: string | null }> {
  const file = join(options.dataDir, TOTALS_FILE);
  const legacy = join(options.dataDir, LEGACY_FILE);
  const aside = (path: string, err: unknown) => {
    const to = `${path}.unreadable-${now}`;
    renameSync(path, to);
    options.log.warn(`request store: ${basename(path)} could not be read (${(err as Error).message}); moved to ${basename(to)}`);
  };
  if (existsSync(file)) {
    try {
      return { totals: decodeTotals(readFileSync(file, 'utf8')), fresh: false, legacy: null };
    } catch (err) {
      aside(file, err);
      return { totals: newTotals(), fresh: true, legacy: null };
    }
  }
  if (existsSync(legacy)) {
    try {
      return { totals: await readLegacyTotals(readFileSync(legacy)), fresh: false, legacy };
    } catch (err) {
      aside(legacy, err);
    }
  }
  return { totals: newTotals(), fresh: true, legacy: null };
}
