import type { RequestRecord, TraceEntry } from '../src/shared/records.ts';

/** A request's decisions in words: pure, so the page and a test read the same sentences. */

export const hitsText = (hits: Record<string, number>) =>
  Object.entries(hits)
    .map(([rule, n]) => `${rule} ×${n}`)
    .join(', ');

/**
 * The decisions as one sentence to read first: `tried relay-2: connection refused in 2 ms → relay-a:
 * 200 in 4 ms; route haiku* rewrote the model to claude-sonnet-4-5; 2 filter hits`.
 */
export function timeline(d: Pick<RequestRecord, 'trace' | 'config' | 'status' | 'model_sent' | 'model_requested'>): string {
  const trace = d.trace ?? [];
  const parts: string[] = [];
  const attempts = trace.filter((t): t is Extract<TraceEntry, { kind: 'attempt' }> => t.kind === 'attempt');
  if (attempts.length) {
    const steps = attempts.map((a) => `${a.config}: ${a.outcome} in ${a.ms} ms`);
    if (d.config && !attempts.some((a) => a.config === d.config)) steps.push(`${d.config}: ${d.status ?? 'no answer'}`);
    parts.push(`tried ${steps.join(' → ')}`);
  }
  for (const t of trace) {
    if (t.kind === 'route') {
      const did = [t.model ? `rewrote the model to ${t.model}` : '', t.config ? `pinned ${t.config.join(', ')}` : ''].filter(Boolean).join(' and ');
      parts.push(`route ${t.matched.join(', ')} ${did || 'matched'}`);
    } else if (t.kind === 'filters') {
      const n = Object.values(t.hits).reduce((a, b) => a + b, 0);
      parts.push(`${n} filter ${n === 1 ? 'hit' : 'hits'}`);
    } else if (t.kind === 'bound')
      parts.push(`bound to ${t.config.join(', ')}${{ launch: ' by clp run', model: ' by /model', session: ' as a session' }[t.by]}`);
    else if (t.kind === 'strip') parts.push(`removed ${t.removed} signed item(s) from the history`);
    else if (t.kind === 'window')
      parts.push(`${t.refused ? 'refused' : 'warned'}: the session's ${t.used} tokens exceed ${t.config}'s ${t.window}-token window`);
    else if (t.kind === 'local') parts.push(`answered by CLP with an estimate (${t.config} said ${t.status})`);
    else if (t.kind === 'plan' && t.skipped.length) parts.push(`skipped ${t.skipped.map((s) => `${s.name} (${s.why})`).join(', ')}`);
  }
  if (!parts.length) return 'Served by the first config tried.';
  const text = `${parts.join('; ')}.`;
  return text[0]!.toUpperCase() + text.slice(1);
}

/** One decision, in words. */
export function traceLine(t: TraceEntry): string {
  switch (t.kind) {
    case 'filters':
      return `Filters: ${hitsText(t.hits)}`;
    case 'filter-code':
      return `Filter modules: ${t.changed.length ? `changed by ${t.changed.join(', ')}` : 'no change'}${
        t.failed ? `; ${t.failed.module} ${t.failed.message}${t.failed.open ? ' (fail-open: skipped)' : ' — the request was not sent'}` : ''
      }`;
    case 'route':
      return `Routing (${t.matched.join(', ')}): ${[t.model ? `model → ${t.model}` : '', t.config ? `pinned to ${t.config.join(', ')}` : ''].filter(Boolean).join('; ')}`;
    case 'plan':
      return `Plan (${t.mode} mode): ${t.candidates.join(' → ') || 'no candidate'}${t.skipped.length ? `; skipped ${t.skipped.map((s) => `${s.name} (${s.why})`).join(', ')}` : ''}`;
    case 'strip':
      return `Removed ${t.removed} signed item(s) from the history: ${t.reason}`;
    case 'bound':
      return `Bound to ${t.config.join(', ')} ${
        {
          launch: 'by its launch (clp run --config)',
          model: 'by the model picked in the client (/model)',
          session: 'as a session (clp session bind, or the Sessions page)',
        }[t.by]
      }`;
    case 'attempt':
      return `Tried ${t.config}: ${t.outcome} (${t.ms} ms)`;
    case 'window':
      return `Context: the session uses ${t.used.toLocaleString('en-US')} tokens; ${t.model ?? 'the model'} on ${t.config} holds ${t.window.toLocaleString('en-US')}${t.refused ? ' — refused (refuseContextOverflow)' : ' — sent anyway (the upstream may refuse it)'}`;
    case 'local':
      return `Answered by CLP: ${t.config} said ${t.status}, so CLP sent ${t.answer}`;
    case 'imported':
      return "Imported from the original CLP's history";
    default:
      // A record written by an older CLP, before decisions had a kind.
      return JSON.stringify(t);
  }
}
