import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderResponse } from '../../src/shared/response-view.ts';
import { anthropicMessage, anthropicStreamFrames, sseFrame } from '../fixtures/anthropic.ts';
import { chatStreamFrames } from '../fixtures/chat.ts';
import { responsesObject, responsesStreamFrames } from '../fixtures/responses.ts';

test('Anthropic: a stream and a JSON message both read as their text', () => {
  assert.deepEqual(renderResponse(anthropicStreamFrames('m', 'Hello there, world').join('')).blocks, [{ kind: 'text', text: 'Hello there, world' }]);
  assert.deepEqual(renderResponse(JSON.stringify(anthropicMessage('m', 'Hi'))).blocks, [{ kind: 'text', text: 'Hi' }]);
});

test('Anthropic: thinking, then a tool call whose input is rebuilt from input_json_delta pieces', () => {
  const body = [
    sseFrame('message_start', { type: 'message_start', message: { id: 'x', content: [], usage: {} } }),
    sseFrame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
    sseFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } }),
    sseFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'look.' } }),
    sseFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
    sseFrame('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'Read', input: {} } }),
    sseFrame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"file_pa' } }),
    sseFrame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'th":"a.ts"}' } }),
    sseFrame('message_stop', { type: 'message_stop' }),
  ].join('');
  assert.deepEqual(renderResponse(body).blocks, [
    { kind: 'thinking', text: 'Let me look.' },
    { kind: 'tool', name: 'Read', input: '{\n  "file_path": "a.ts"\n}' },
  ]);
});

test('Anthropic: an in-stream error shows as an error block', () => {
  const body = sseFrame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  assert.deepEqual(renderResponse(body).blocks, [{ kind: 'error', text: 'overloaded_error: Overloaded' }]);
});

test('Responses: stream and JSON read as their text; reasoning and shell calls are readable', () => {
  assert.deepEqual(renderResponse(responsesStreamFrames('m', 'Hello codex').join('')).blocks, [{ kind: 'text', text: 'Hello codex' }]);
  assert.deepEqual(renderResponse(JSON.stringify(responsesObject('m', 'Hi'))).blocks, [{ kind: 'text', text: 'Hi' }]);
  const items = [
    { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Checking files' }], encrypted_content: 'enc' },
    { type: 'reasoning', summary: [], encrypted_content: 'enc' },
    { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', 'ls'], workdir: '/repo', timeout_ms: 1000 }) },
  ];
  const body = items.map((item, i) => sseFrame('response.output_item.done', { type: 'response.output_item.done', output_index: i, item })).join('');
  assert.deepEqual(renderResponse(body).blocks, [
    { kind: 'thinking', text: 'Checking files' },
    { kind: 'thinking', text: '(encrypted reasoning)' },
    { kind: 'tool', name: 'shell', input: '$ bash -lc ls\n(workdir: /repo, timeout: 1000 ms)' },
  ]);
});

test('Chat completions stream, and unreadable input becomes a warning rather than an exception', () => {
  assert.deepEqual(renderResponse(chatStreamFrames('m', 'chat text').join('')).blocks, [{ kind: 'text', text: 'chat text' }]);
  assert.deepEqual(renderResponse('<html>502</html>'), { blocks: [], warnings: ['the response is neither JSON nor SSE'] });
  assert.equal(renderResponse('data: {broken\n\n').warnings[0], 'an event was not JSON');
});
