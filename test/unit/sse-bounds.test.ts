import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseDecoder } from '../../src/core/usage/sse-decoder.ts';

test('a 50 MB line without a newline is framed in linear time, given up past the bound, and the events after it still come', () => {
  const decoder = new SseDecoder();
  const events: Array<{ event: string | null; data: string }> = [];
  const chunk = Buffer.alloc(16 * 1024, 0x78);
  const t = performance.now();
  decoder.push(Buffer.from('event: message_delta\ndata: '), (e) => events.push(e));
  for (let i = 0; i < (50 * 1024 * 1024) / chunk.length; i++) decoder.push(chunk, (e) => events.push(e));
  decoder.push(Buffer.from('\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'), (e) => events.push(e));
  const ms = performance.now() - t;
  // Appending each chunk to a growing copy took minutes here; linear framing takes well under a second.
  assert.ok(ms < 5000, `took ${Math.round(ms)} ms`);
  assert.deepEqual(events, [{ event: 'message_stop', data: '{"type":"message_stop"}' }], 'the overlong event is dropped, the next one delivered');
});

test('a long line under the bound still decodes whole, whatever the chunking', () => {
  const decoder = new SseDecoder(undefined, 1024 * 1024);
  const data = 'y'.repeat(300_000);
  const text = Buffer.from(`event: response.completed\ndata: ${data}\n\n`);
  const events: string[] = [];
  for (let i = 0; i < text.length; i += 777) decoder.push(text.subarray(i, i + 777), (e) => events.push(e.data));
  assert.deepEqual(events, [data]);
});

test('event names are told apart byte for byte (names alike in length and in their first, middle and last characters), decoded as UTF-8, and judged by each reader', () => {
  const text = 'event: a1X2z\ndata: 1\n\nevent: a3X4z\ndata: 2\n\nevent: caf\u00e9\ndata: 3\n\nevent: a1X2z\ndata: 4\n\n';
  const read = (want: (name: string | null) => boolean, chunk: number) => {
    const got: Array<{ event: string | null; data: string }> = [];
    const d = new SseDecoder(want);
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk), (e) => got.push(e));
    d.end((e) => got.push(e));
    return got;
  };
  for (const chunk of [1, 7, 1000]) {
    assert.deepEqual(
      read((n) => n !== 'a3X4z', chunk),
      [
        { event: 'a1X2z', data: '1' },
        { event: 'caf\u00e9', data: '3' },
        { event: 'a1X2z', data: '4' },
      ],
    );
    assert.deepEqual(
      read((n) => n === 'a3X4z', chunk),
      [{ event: 'a3X4z', data: '2' }],
      'another reader, its own judgement',
    );
  }
});
