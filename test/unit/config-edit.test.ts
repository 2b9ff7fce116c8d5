import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteFromRaw, maskKey, maskRaw, unmaskRaw, upsertInRaw } from '../../src/core/config/edit.ts';

const KEY = 'sk-ant-api03-0123456789abcdefghij-wxyz';

test('a mask tells keys apart without revealing one', () => {
  assert.equal(maskKey(KEY), 'sk-ant-a…wxyz');
  assert.equal(maskKey('short-key'), '…ey', 'a short key still says which key it is by its last two characters');
  assert.equal(maskKey('sk-1'), '…');
  assert.equal(maskKey(''), '');
  assert.ok(!maskKey(KEY).includes(KEY.slice(8, -4)));
});

test('masking and unmasking the raw file round-trips, unknown fields included', () => {
  const raw = { a: { base_url: 'http://x', api_key: KEY, extra: { deep: 1 } }, b: { base_url: 'http://y', auth_token: 'sk-bbbbbbbbbbbbbbbbbbbbbbbb' } };
  const masked = maskRaw(raw);
  assert.equal(masked.a!.api_key, 'sk-ant-a…wxyz');
  assert.deepEqual(unmaskRaw(masked, raw), raw);
});

test('a renamed entry keeps its key; a mask that matches nothing is refused', () => {
  const raw = { a: { base_url: 'http://x', api_key: KEY } };
  assert.equal(unmaskRaw({ renamed: { base_url: 'http://x', api_key: 'sk-ant-a…wxyz' } }, raw).renamed!.api_key, KEY);
  assert.throws(
    () => unmaskRaw({ a: { base_url: 'http://x', api_key: 'sk-other…0000' } }, raw),
    /a\.api_key: a masked key that matches no key stored for this base_url/,
  );
});

test('a key never follows a URL it was not typed for', () => {
  const raw = { a: { base_url: 'http://x', api_key: KEY } };
  // The raw editor: the same entry moved, or another entry given the mask, under a new URL.
  assert.throws(() => unmaskRaw({ a: { base_url: 'http://attacker', api_key: maskKey(KEY) } }, raw), /type the full key/);
  assert.throws(() => unmaskRaw({ ...raw, b: { base_url: 'http://attacker', api_key: maskKey(KEY) } }, raw), /b\.api_key/);
  assert.equal(unmaskRaw({ a: { base_url: 'http://x/', api_key: maskKey(KEY) } }, raw).a!.api_key, KEY, 'a trailing slash is the same URL');
  // The form: a new base_url without the key typed again drops it; typed again, it is kept.
  assert.deepEqual(upsertInRaw(raw, { original: 'a', name: 'a', base_url: 'http://attacker' }, 'claude.json').a, { base_url: 'http://attacker' });
  assert.deepEqual(upsertInRaw(raw, { original: 'a', name: 'a', base_url: 'http://attacker', api_key: maskKey(KEY) }, 'claude.json').a, {
    base_url: 'http://attacker',
  });
  assert.deepEqual(upsertInRaw(raw, { original: 'a', name: 'a', base_url: 'http://y', api_key: 'sk-typed-again' }, 'claude.json').a, {
    base_url: 'http://y',
    api_key: 'sk-typed-again',
  });
});

test('the form: add, edit keeping the key, replace the key, remove it, rename in place', () => {
  let raw: Record<string, Record<string, unknown>> = { a: { base_url: 'http://x', api_key: KEY, active: true }, b: { base_url: 'http://y' } };
  raw = upsertInRaw(raw, { name: 'c', base_url: 'http://z', auth_token: 'tok' }, 'claude.json');
  assert.deepEqual(Object.keys(raw), ['a', 'b', 'c']);
  raw = upsertInRaw(raw, { original: 'a', name: 'a', base_url: 'http://x', api_key: maskKey(KEY), weight: 2 }, 'claude.json');
  assert.deepEqual(raw.a, { base_url: 'http://x', api_key: KEY, active: true, weight: 2 });
  raw = upsertInRaw(raw, { original: 'a', name: 'a', base_url: 'http://x2', api_key: KEY }, 'claude.json');
  assert.deepEqual(raw.a, { base_url: 'http://x2', api_key: KEY, active: true, weight: 2 });
  raw = upsertInRaw(raw, { original: 'a', name: 'first', base_url: 'http://x2', api_key: null, auth_token: 'new' }, 'claude.json');
  assert.deepEqual(Object.keys(raw), ['first', 'b', 'c']);
  assert.deepEqual(raw.first, { base_url: 'http://x2', active: true, weight: 2, auth_token: 'new' });
  assert.throws(() => upsertInRaw(raw, { name: 'b', base_url: 'http://q' }, 'claude.json'), /name: "b" already exists/);
  assert.throws(() => upsertInRaw(raw, { original: 'nope', name: 'x', base_url: 'http://q' }, 'claude.json'), /no config named "nope"/);
  assert.deepEqual(Object.keys(deleteFromRaw(raw, 'b', 'claude.json')), ['first', 'c']);
});

test('a broken file is shown with every key masked, even on the broken line, and a repaired save gets the keys back', async () => {
  const { maskBrokenText, maskSources } = await import('../../src/core/config/repair.ts');
  const broken = [
    '{',
    '  "relay-a": { "base_url": "http://a.example", "auth_token": "sk-relay-aaaaaaaaaaaaaaaaaaaa-1111" },',
    '  "relay-b": { "base_url": "http://b.example?key=sk-in-query-bbbbbbbbbbbb", "api_key": sk-unquoted-bbbbbbbbbbbbbbbb-2222 }',
    '  "中转站": { "base_url": "http://c.example", "auth_token": "cccccccccccccccccccccccc3333" }',
    '}',
  ].join('\n');
  const shown = maskBrokenText(broken);
  for (const key of ['sk-relay-aaaaaaaaaaaaaaaaaaaa-1111', 'sk-unquoted-bbbbbbbbbbbbbbbb-2222', 'sk-in-query-bbbbbbbbbbbb', 'cccccccccccccccccccccccc3333'])
    assert.ok(!shown.includes(key), `${key} is shown: ${shown}`);
  assert.match(shown, /"relay-a"/, 'the rest of the text is as written');
  // The user fixes the missing comma and the missing quotes, leaving the masks as they are.
  const fixedText = shown.replace('"api_key": sk-unq', '"api_key": "sk-unq').replace(/(…2222) \}\n/, '$1" },\n');
  const fixed = JSON.parse(fixedText);
  const back = unmaskRaw(fixed, maskSources({}, broken));
  assert.equal(back['relay-a']!.auth_token, 'sk-relay-aaaaaaaaaaaaaaaaaaaa-1111');
  assert.equal(back['relay-b']!.api_key, 'sk-unquoted-bbbbbbbbbbbbbbbb-2222');
  assert.equal(back.中转站!.auth_token, 'cccccccccccccccccccccccc3333');
  // A mask moved under another relay's URL does not follow it there.
  const moved = { ...fixed, 'relay-a': { ...fixed['relay-a'], base_url: 'http://evil.example' } };
  assert.throws(() => unmaskRaw(moved, maskSources({}, broken)), /matches no key stored for this base_url/);
});
