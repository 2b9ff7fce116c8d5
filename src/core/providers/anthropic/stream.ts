import { parseEventData, type StreamEventHandler, type StreamGrammar } from '../stream-state.ts';
import { anthropicUsageFields, fromAnthropic, mergeAnthropicDelta } from './usage.ts';

type Obj = Record<string, unknown>;

/**
 * The Messages stream's events that matter for the log: `message_start` carries the model and the
 * first usage, each `message_delta` overwrites usage fields (never adds), `message_stop` ends it,
 * and `event: error` is an error inside a 200 stream.
 */
const EVENTS: Readonly<Record<string, StreamEventHandler>> = {
  message_start(s, data) {
    const message = parseEventData(data)?.message as Obj | undefined;
    if (!message) return;
    s.usage = anthropicUsageFields((message.usage ?? {}) as Obj);
    s.readUsage = fromAnthropic;
    if (typeof message.model === 'string') s.model = message.model;
  },
  message_delta(s, data) {
    const usage = parseEventData(data)?.usage as Obj | undefined;
    if (!usage) return;
    s.usage = mergeAnthropicDelta(s.readUsage === fromAnthropic ? (s.usage ?? {}) : {}, usage);
    s.readUsage = fromAnthropic;
  },
  message_stop(s) {
    s.completed = true;
  },
  error(s, data) {
    const body = parseEventData(data);
    const err = (body?.error as Obj | undefined) ?? body;
    s.streamError = String(err?.type ?? err?.code ?? 'error');
  },
};

export const anthropicStream: StreamGrammar = { events: EVENTS, unnamed: null };
