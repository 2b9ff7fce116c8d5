import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRequest, excerpt } from '../../src/shared/request-view.ts';

test('a Claude Code turn: its shape on one line, and the last message with tool results named, not dumped', () => {
  const body = JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 32000,
    stream: true,
    system: [
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Be brief.' },
    ],
    tools: [{ name: 'Bash' }, { name: 'Read' }, { name: 'Edit' }],
    messages: [
      { role: 'user', content: 'fix the bug in 中文.ts' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hm', signature: 's' },
          { type: 'text', text: 'Reading it.' },
          { type: 'tool_use', id: 't1', name: 'Read', input: { file_path: '/x' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'x'.repeat(5000) }] },
          { type: 'text', text: 'and run the tests' },
        ],
      },
    ],
  });
  const view = describeRequest(body)!;
  assert.equal(view.summary, 'claude-sonnet-4-5, 3 messages (2 user, 1 assistant), system prompt 30 characters, 3 tools, stream');
  assert.deepEqual(view.last, { role: 'user', text: '[tool result: 5,000 characters]\nand run the tests' });
  const before = JSON.parse(body);
  before.messages.pop();
  assert.deepEqual(describeRequest(JSON.stringify(before))!.last, { role: 'assistant', text: '[thinking]\nReading it.\n[tool call: Read]' });
});

test('a Codex turn (Responses): instructions, items by kind, and a tool output last', () => {
  const view = describeRequest(
    JSON.stringify({
      model: 'gpt-5.1-codex',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list the files' }] },
        { type: 'reasoning', summary: [], encrypted_content: 'e' },
        { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'c1' },
        { type: 'function_call_output', call_id: 'c1', output: 'a.ts\nb.ts' },
      ],
      tools: [{ type: 'function', name: 'shell' }],
      stream: true,
    }),
  )!;
  assert.equal(view.summary, 'gpt-5.1-codex, 4 messages (1 user, 1 reasoning, 1 tool call, 1 tool result), system prompt 14 characters, 1 tool, stream');
  assert.deepEqual(view.last, { role: 'tool result', text: '[tool result: 9 characters]' });
  assert.deepEqual(describeRequest('{"model":"gpt-5","input":"hello"}')!.last, { role: 'user', text: 'hello' });
});

test('Chat Completions and Gemini requests read the same way; a body that is not JSON gives nothing', () => {
  const chat = describeRequest(
    JSON.stringify({
      model: 'glm-4.6',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: '你好' }] },
      ],
    }),
  )!;
  assert.equal(chat.summary, 'glm-4.6, 2 messages (1 system, 1 user)');
  assert.deepEqual(chat.last, { role: 'user', text: '你好' });
  const gemini = describeRequest(
    JSON.stringify({
      systemInstruction: { parts: [{ text: 'You are Gemini CLI.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'read it' }] },
        { role: 'model', parts: [{ text: 'plan', thought: true }, { functionCall: { name: 'read_file', args: {} } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'read_file', response: { output: 'x' } } }, { inlineData: { mimeType: 'image/png', data: 'AA' } }],
        },
      ],
      tools: [{ functionDeclarations: [{ name: 'read_file' }, { name: 'write_file' }] }],
    }),
  )!;
  assert.equal(gemini.summary, '3 messages (2 user, 1 model), system prompt 19 characters, 2 tools');
  assert.deepEqual(gemini.last, { role: 'user', text: '[tool result: read_file]\n[image or file]' });
  assert.equal(describeRequest('{"model":"m","messages":[{"role":"user","content":"cut sh'), null, 'a body the log cut short');
  assert.equal(describeRequest(null), null);
  assert.equal(describeRequest('[1,2]'), null);
  assert.equal(describeRequest('{"model":"m","messages":[]}')!.last, null);
});

test('an excerpt keeps the start of a long text and says how much it left out', () => {
  assert.deepEqual(excerpt('中文 abc', 10), { head: '中文 abc', more: 0 });
  assert.deepEqual(excerpt('x'.repeat(2500), 2000), { head: 'x'.repeat(2000), more: 500 });
});
