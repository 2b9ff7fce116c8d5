import { obj, type Obj } from '../json-fields.ts';
import { parseEventData, type StreamGrammar, type StreamState } from '../stream-state.ts';
import { fromGemini } from './usage.ts';

const MODEL_VERSION = /"modelVersion"\s*:\s*"([^"\\]{1,200})"/;

/** The usage of the event whose data was kept: parsed once, at the end. */
function readKept(kept: Obj) {
  const usage = parseEventData(String(kept.data))?.usageMetadata;
  return usage && typeof usage === 'object' ? fromGemini(usage as Obj) : null;
}

/**
 * A `streamGenerateContent?alt=sse` chunk (unnamed events, `data: {"candidates": …}`). Every chunk
 * carries the usage so far, so the last one's data is kept and parsed once the stream is over; a
 * `finishReason` ends the answer; the first `modelVersion` names the model; an `error` object (some
 * relays send one mid-stream) is the stream's error.
 */
function onChunk(s: StreamState, data: string): boolean {
  const usage = data.includes('"usageMetadata"');
  const finished = data.includes('"finishReason"');
  if (!usage && !finished && !data.includes('"candidates"')) {
    if (!data.startsWith('{"error"')) return false;
    const err = obj(parseEventData(data)?.error);
    s.streamError = String(err.status ?? err.code ?? 'error');
    return true;
  }
  if (usage) {
    s.usage = { data };
    s.readUsage = readKept;
  }
  if (finished) s.completed = true;
  if (!s.model) s.model = MODEL_VERSION.exec(data)?.[1] ?? null;
  return true;
}

export const geminiStream: StreamGrammar = { events: {}, unnamed: onChunk };
