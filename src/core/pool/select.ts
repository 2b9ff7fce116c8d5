import type { PoolMode, PoolOrder } from '../../shared/pool.ts';
import type { UpstreamConfig } from '../config/schema.ts';
import { availability, type ServiceHealth } from './health.ts';

export interface SelectInput {
  entries: readonly UpstreamConfig[];
  active: UpstreamConfig | null;
  mode: PoolMode;
  order: PoolOrder;
  health: ServiceHealth;
  now: number;
  today: string;
  /** A number in [0, 1); only `weighted` order draws from it. */
  random: () => number;
  /** The config this client session used last, kept first while it is available. */
  sticky: string | null;
  /** Configs a routing rule pinned: the only candidates (one config, or a sub-pool in pool order). */
  pinned: readonly string[] | null;
  /** Who pinned them, for the reasons given when one is left out: a routing rule unless said. */
  pinnedBy?: string;
}

export interface Plan {
  candidates: UpstreamConfig[];
  skipped: Array<{ name: string; why: string }>;
}

const priorityCache = new WeakMap<readonly UpstreamConfig[], readonly UpstreamConfig[]>();

/**
 * Highest weight first, ties by name: the original's `weight-based` order. Worked out once per config
 * snapshot (its entries array), not per request.
 */
export function byPriority(entries: readonly UpstreamConfig[]): readonly UpstreamConfig[] {
  let sorted = priorityCache.get(entries);
  if (!sorted) {
    sorted = [...entries].sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
    priorityCache.set(entries, sorted);
  }
  return sorted;
}

/** Weighted random order without replacement: the first pick is proportional to weight, and so on. */
function byWeight(entries: readonly UpstreamConfig[], random: () => number): UpstreamConfig[] {
  const left = [...byPriority(entries)];
  const out: UpstreamConfig[] = [];
  while (left.length) {
    const total = left.reduce((s, e) => s + Math.max(0, e.weight), 0);
    let index = 0;
    if (total > 0) {
      let r = random() * total;
      index = left.findIndex((e) => (r -= Math.max(0, e.weight)) < 0);
      if (index < 0) index = left.length - 1;
    }
    out.push(left.splice(index, 1)[0]!);
  }
  return out;
}

/**
 * The upstreams to try for one request, in order, and why the others were left out. In `active` mode
 * that is the active config alone; in `pool` mode, every available config in priority or weighted order,
 * with the session's previous upstream first while it is available. Never a silent route to an
 * unavailable upstream: when nothing is available, the plan is empty and says why.
 */
export function selectCandidates(input: SelectInput): Plan {
  const skipped: Plan['skipped'] = [];
  if (input.pinned) {
    const known = input.pinned.filter((name) => input.entries.some((e) => e.name === name));
    const by = input.pinnedBy ?? 'a routing rule';
    for (const name of input.pinned) if (!known.includes(name)) skipped.push({ name, why: `pinned by ${by} but no config has that name` });
    const entries = input.entries.filter((e) => known.includes(e.name));
    const ordered = input.pinned.length === 1 ? entries : input.order === 'weighted' ? byWeight(entries, input.random) : byPriority(entries);
    const candidates: UpstreamConfig[] = [];
    for (const entry of ordered) {
      const a = availability(input.health, entry.name, input.now, input.today);
      if (a.ok) candidates.push(entry);
      else skipped.push({ name: entry.name, why: `pinned by ${by}, but ${a.why}` });
    }
    return { candidates, skipped };
  }
  if (input.mode === 'active') return { candidates: input.active ? [input.active] : [], skipped };
  const ordered = input.order === 'weighted' ? byWeight(input.entries, input.random) : byPriority(input.entries);
  const candidates: UpstreamConfig[] = [];
  for (const entry of ordered) {
    const a = availability(input.health, entry.name, input.now, input.today);
    if (a.ok) candidates.push(entry);
    else skipped.push({ name: entry.name, why: a.why });
  }
  const stickyIndex = input.sticky ? candidates.findIndex((c) => c.name === input.sticky) : -1;
  if (stickyIndex > 0) candidates.unshift(...candidates.splice(stickyIndex, 1));
  return { candidates, skipped };
}
