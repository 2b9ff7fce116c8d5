import type { FilterModuleView, FiltersView } from '../../shared/dashboard.ts';
import { FiltersGet } from '../../shared/protocol.ts';
import { EXIT, type CliContext } from '../context.ts';
import { stamp, table } from '../table.ts';

/** A module's state in a few words: its hits, and its last error when it had one. */
export function moduleLine(m: FilterModuleView): string[] {
  return [m.name, `${m.hits} of ${m.runs}`, m.failOpen ? 'fail open' : 'fail closed', m.lastError ? `${stamp(m.lastError.at)} ${m.lastError.message}` : '-'];
}

export function formatFilters(v: FiltersView): string {
  const lines = [`rules (filter.json): ${v.rules.length}${v.error ? ` (broken: ${v.error})` : ''}`];
  for (const r of v.rules)
    lines.push(
      `  ${r.enabled === false ? '(off) ' : ''}${r.name ?? r.source}: ${r.op}${r.op === 'replace' ? ` with "${r.target ?? ''}"` : ''} (${r.match ?? 'regex'})`,
    );
  lines.push(`detectors: ${v.detectors.length ? v.detectors.join(', ') : 'none'} (of ${v.detectorsAvailable.join(', ')})`);
  const modules = v.modules ?? [];
  if (!modules.length) lines.push('modules (filters/*.mjs): none');
  else {
    lines.push('modules (filters/*.mjs), in the order they run:');
    for (const l of table(['module', 'changed', 'on failure', 'last error'], modules.map(moduleLine), new Set([1]))) lines.push(`  ${l}`);
  }
  return lines.join('\n');
}

export async function filtersCommand(ctx: CliContext, json: boolean): Promise<number> {
  const view = await ctx.owner.call(FiltersGet, {});
  ctx.out(json ? JSON.stringify(view, null, 2) : formatFilters(view));
  return EXIT.ok;
}
