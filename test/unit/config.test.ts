import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickActive, setActiveInRaw } from '../../src/core/config/active.ts';
import { parseConfigText, type UpstreamConfig } from '../../src/core/config/schema.ts';
import { upstreamConfig } from '../helpers/config.ts';

/** A file exactly as the original Python tool's UI writes it (clp-original.md §2.1). */
const ORIGINAL = `{
  "relay-a": { "base_url": "https://relay-a.example.com", "active": true,  "auth_token": "sk-xxx", "api_key": "", "weight": 10.0 },
  "relay-b": { "base_url": "https://relay-b.example.com/api", "active": false, "auth_token": "", "api_key": "key-yyy", "weight": 5 }
}`;

test('files written by the original tool parse unchanged', () => {
  const parsed = parseConfigText('claude.json', ORIGINAL);
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.entries.map((e) => [e.name, e.baseUrl, e.authToken, e.apiKey, e.weight, e.active]),
    [
      ['relay-a', 'https://relay-a.example.com', 'sk-xxx', '', 10, true],
      ['relay-b', 'https://relay-b.example.com/api', '', 'key-yyy', 5, false],
    ],
  );
});

test('an entry with only api_key (no auth_token key) is accepted, unlike the original', () => {
  const parsed = parseConfigText('claude.json', '{"k":{"base_url":"https://x.example.com","api_key":"key"}}');
  assert.ok(parsed.ok);
  assert.equal(parsed.entries[0]!.apiKey, 'key');
});

test('numeric-string and null weights are read the way the original read them', () => {
  const parsed = parseConfigText('c.json', '{"a":{"base_url":"http://h","weight":"7.5"},"b":{"base_url":"http://h","weight":null}}');
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.entries.map((e) => e.weight),
    [7.5, 0],
  );
});

const broken: Array<[string, string]> = [
  ['{"a": {"base_url": "https://x"', 'claude.json: line 1, column 31: not valid JSON (the file ends too early)'],
  ['[]', 'claude.json: (root): '],
  ['{"a": 5}', 'claude.json: a: '],
  ['{"a": {"auth_token": "t"}}', 'claude.json: a.base_url: '],
  ['{"a": {"base_url": "ftp://x"}}', 'claude.json: a.base_url: must be an http:// or https:// URL'],
  ['{"a": {"base_url": "https://x", "weight": "high"}}', 'claude.json: a.weight: '],
  ['{"a": {"base_url": "https://x", "active": "yes"}}', 'claude.json: a.active: '],
];
for (const [text, prefix] of broken) {
  test(`reports ${prefix.trim()} for ${text}`, () => {
    const parsed = parseConfigText('claude.json', text);
    assert.equal(parsed.ok, false);
    assert.ok(!parsed.ok && parsed.error.startsWith(prefix), !parsed.ok ? parsed.error : '');
  });
}

test('an empty or whitespace file means no configs', () => {
  const parsed = parseConfigText('c.json', '  \n');
  assert.ok(parsed.ok && parsed.entries.length === 0);
});

const entry = (name: string, active: boolean): UpstreamConfig => upstreamConfig({ name, baseUrl: 'http://h', active });

test('the last active entry wins; with none active the first is', () => {
  assert.equal(pickActive([entry('a', true), entry('b', false), entry('c', true)])?.name, 'c');
  assert.equal(pickActive([entry('a', false), entry('b', false)])?.name, 'a');
  assert.equal(pickActive([]), null);
});

test('switching keeps key order, unknown fields and untouched values exactly', () => {
  const raw = {
    a: { base_url: 'http://a', auth_token: 't', active: true, note: 'mine', weight: 10 },
    b: { custom: { deep: [1, 2] }, base_url: 'http://b', api_key: 'k' },
    c: { base_url: 'http://c', active: false },
  };
  const out = setActiveInRaw(raw, 'b');
  assert.deepEqual(Object.keys(out), ['a', 'b', 'c']);
  assert.deepEqual(out.a, { base_url: 'http://a', auth_token: 't', active: false, note: 'mine', weight: 10 });
  assert.deepEqual(out.b, { custom: { deep: [1, 2] }, base_url: 'http://b', api_key: 'k', active: true });
  assert.equal(out.c, raw.c); // untouched entries are the same object
  assert.equal(raw.a.active, true); // the input is not mutated
});

test('schema errors say what was expected where, every problem listed, no validation-library wording', async () => {
  const { parseConfigText } = await import('../../src/core/config/schema.ts');
  const r = parseConfigText('claude.json', '{"relay-b": {"weight": "heavy"}, "a": {"base_url": 7, "auth_token": 3}}');
  assert.equal(
    r.ok ? '' : r.error,
    'claude.json: relay-b.base_url: missing (expected a string); relay-b.weight: expected a number; a.base_url: expected a string, got a number; a.auth_token: expected a string, got a number',
  );
  assert.doesNotMatch(r.ok ? '' : r.error, /Invalid input|more\)/);
});
