import type { RequestRecord } from '../src/shared/records.ts';
import type { LiveStart } from '../src/shared/dashboard.ts';

/** One live notification, as the feed sent it: a request started, or one ended with its record. */
export type LiveNote = { start: LiveStart } | { end: RequestRecord };

/** The page's live view: what is in flight, and the newest records first. */
export interface LiveView {
  inflight: Map<string, LiveStart>;
  records: RequestRecord[];
}

/**
 * A batch of notifications applied at once, in the order they came: the same view as applying them
 * one by one (each ended request leaves the in-flight set and goes on top of the records, at most
 * `keep` of them), made at once so that a burst renders the page once. Returns the new view
 * (unchanged parts are the same objects) and how many requests ended.
 */
export function applyLive(view: LiveView, notes: readonly LiveNote[], keep: number): LiveView & { ended: number } {
  if (!notes.length) return { ...view, ended: 0 };
  const inflight = new Map(view.inflight);
  // Newest first: the last to end goes on top; a record that came twice counts once, where it came last.
  const fresh: RequestRecord[] = [];
  const seen = new Set<string>();
  let ended = 0;
  for (const note of notes) {
    if ('start' in note) {
      inflight.set(note.start.id, note.start);
    } else {
      inflight.delete(note.end.id);
      ended++;
    }
  }
  for (let i = notes.length - 1; i >= 0; i--) {
    const note = notes[i]!;
    if ('end' in note && !seen.has(note.end.id)) {
      seen.add(note.end.id);
      fresh.push(note.end);
    }
  }
  if (!fresh.length) return { inflight, records: view.records, ended };
  const records = fresh.length > keep ? fresh.slice(0, keep) : fresh;
  for (const r of view.records) {
    if (records.length >= keep) break;
    if (!seen.has(r.id)) records.push(r);
  }
  return { inflight, records, ended };
}
