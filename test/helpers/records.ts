import { randomUUID } from 'node:crypto';
import type { RequestFinished } from '../../src/core/events.ts';
import type { RequestRecord } from '../../src/shared/records.ts';

/** A finished request as the proxy would emit it, with whatever fields a test cares about. */
export function finished(over: Partial<RequestRecord> = {}, bodies: { request?: Buffer; response?: Buffer } = {}): RequestFinished {
  const record: RequestRecord = {
    id: randomUUID(),
    started_at: Date.now(),
    service: 'claude',
    config: 'prod',
    model_requested: 'claude-sonnet-4-5',
    model_sent: 'claude-sonnet-4-5',
    model_answered: 'claude-sonnet-4-5',
    method: 'POST',
    path: '/v1/messages',
    status: 200,
    error: null,
    duration_ms: 1234.5,
    ttfb_ms: 210.25,
    bytes_in: 1000,
    bytes_out: 2000,
    stream: true,
    session_id: 'sess-1',
    usage: { input: 10, cached_create: 20, cached_read: 30, output: 40, reasoning: 0, total: 100, cache_5m: 20, cache_1h: 0 },
    cost_usd: 0.001,
    trace: null,
    ...over,
  };
  return {
    record,
    bodies: true,
    detail: () => ({
      requestHeaders: { 'content-type': 'application/json', authorization: '[removed]' },
      responseHeaders: { 'content-type': 'text/event-stream' },
      requestBody: bodies.request ?? Buffer.from('{"model":"claude-sonnet-4-5","messages":[]}'),
      upstreamBody: null,
      responseBody: bodies.response ?? Buffer.from('event: message_stop\ndata: {"type":"message_stop"}\n\n'),
      responseTruncated: false,
    }),
  };
}
