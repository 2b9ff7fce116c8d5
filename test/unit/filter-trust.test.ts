import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterBody, applyToText } from '../../src/core/filters/apply.ts';
import { detectorRules, DETECTOR_NAMES, findPrivateKeys, type DetectorName } from '../../src/core/filters/detectors.ts';
import { compileRules } from '../../src/core/filters/rules.ts';
import { linearEngine, splitCountedRepeats } from '../../src/core/filters/linear-regex.ts';

const rules = (value: unknown) => {
  const c = compileRules('filter.json', value);
  if (!c.ok) throw new Error(c.error);
  return c.rules;
};

test('a literal rule matches however the JSON escapes the text', () => {
  const r = rules([{ source: 'hunter2', op: 'replace', target: '[pw]', match: 'literal' }]);
  for (const raw of [
    '{"messages":[{"content":"my pw is hun\\u0074er2"}]}',
    '{"messages":[{"content":"my pw is \\u0068\\u0075\\u006e\\u0074\\u0065\\u0072\\u0032"}]}',
  ]) {
    const out = filterBody(Buffer.from(raw), 'claude', r);
    assert.ok(out.body, raw);
    assert.equal(JSON.parse(out.body.toString()).messages[0].content, 'my pw is [pw]');
  }
  const key = filterBody(Buffer.from('{"k":"sk-ant-\\u0061pi03-abcdefghijklmnopqrstuvwxyz"}'), 'claude', detectorRules(['anthropic']));
  assert.equal(JSON.parse(key.body!.toString()).k, '[REDACTED:anthropic]');
});

/** Per detector, the worst input found for it (long runs that almost match, markers without ends). */
const WORST: Record<DetectorName, string[]> = {
  anthropic: [`sk-ant-${'a'.repeat(18)} `.repeat(40_000), 'sk-ant-'.repeat(150_000)],
  openai: [`sk-proj-${'a'.repeat(18)}.`.repeat(40_000), `sk-${'-'.repeat(18)}!`.repeat(50_000)],
  aws: [`AKIA${'A'.repeat(15)}!`.repeat(50_000), 'AKIA'.repeat(250_000)],
  github: [` ghp_${'a'.repeat(2000)}_`.repeat(500), ` github_pat_${'a'.repeat(38)} `.repeat(20_000)],
  private_key: [
    '-----BEGIN PRIVATE KEY-----'.repeat(40_000),
    `-----BEGIN ${'A'.repeat(150)}`.repeat(6000),
    `-----BEGIN RSA PRIVATE KEY-----${'-----END X-----'.repeat(60_000)}`,
  ],
  jwt: ['eyJ-'.repeat(500_000), 'eyJaaaaaaaaaaa.eyJ-'.repeat(100_000)],
};

test('every detector runs in linear time on its worst case (about 1-2 MB each)', () => {
  for (const name of DETECTOR_NAMES) {
    const [rule] = detectorRules([name]);
    for (const text of WORST[name]) {
      const t = performance.now();
      applyToText(text, [rule!], {});
      const ms = performance.now() - t;
      // Quadratic forms of these took from several seconds to minutes on inputs this size.
      assert.ok(ms < 1500, `${name} took ${Math.round(ms)} ms on ${text.length} chars`);
    }
  }
});

test('the private key detector still finds every block, and leaves an unclosed BEGIN alone', () => {
  const block = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
  const text = `a ${block} b -----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n-----END OPENSSH PRIVATE KEY----- c -----BEGIN PRIVATE KEY----- never closed`;
  assert.deepEqual(
    findPrivateKeys(text).map(([s, e]) => text.slice(s, e).slice(0, 16)),
    ['-----BEGIN RSA P', '-----BEGIN OPENS'],
  );
  const hits = {};
  const out = applyToText(text, detectorRules(['private_key']), hits);
  assert.equal(out, 'a [REDACTED:private_key] b [REDACTED:private_key] c -----BEGIN PRIVATE KEY----- never closed');
  assert.deepEqual(hits, { 'detector:private_key': 2 });
  assert.equal(
    applyToText('-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----', detectorRules(['private_key']), {}),
    '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
  );
});

test('user regex rules run in linear time on adversarial text; a pattern that cannot is refused with a reason', () => {
  assert.ok(linearEngine, 'V8 takes the l flag here');
  for (const [source, text] of [
    ['foo.*bar', 'foo '.repeat(200_000)],
    ['(a+)+$', `${'a'.repeat(100_000)}!`],
    ['(x|xx)+y', 'x'.repeat(200_000)],
    ['[0-9]{20,}q', '1'.repeat(300_000)],
  ] as const) {
    const t = performance.now();
    applyToText(text, rules([{ source, op: 'remove' }]), {});
    const ms = performance.now() - t;
    assert.ok(ms < 3000, `${source} took ${Math.round(ms)} ms`);
  }
  const refused = compileRules('filter.json', [
    { source: 'ok', op: 'remove' },
    { source: '(a)\\1', op: 'remove' },
  ]);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.error : '', /^filter\.json: rule 2: source: this pattern cannot run in linear time/);
  assert.equal(compileRules('filter.json', [{ source: '(?<=x)y', op: 'remove' }]).ok, false);
});

test('long counted repeats are split into pieces the linear engine takes, matching exactly the same text', () => {
  assert.equal(splitCountedRepeats('[0-9]{20}'), '[0-9]{16}[0-9]{4,4}');
  assert.equal(splitCountedRepeats('\\w{32,}'), '\\w{16}\\w{16,}');
  assert.equal(splitCountedRepeats('x{0,40}'), 'x{0,16}x{0,16}x{0,8}');
  assert.equal(splitCountedRepeats('(ab){3}[a-z]{2,5}'), '(ab){3}[a-z]{2,5}');
  const samples = ['', '1'.repeat(19), '1'.repeat(20), '1'.repeat(41), `AKIA${'Z'.repeat(40)}`, 'x'.repeat(39), `id=${'ab12'.repeat(12)};`];
  for (const source of ['[0-9]{20}', '[0-9]{20,}', '[0-9]{17,40}', 'x{0,40}', '[A-Za-z0-9]{20,64}', 'id=[a-z0-9]{17,}']) {
    const plain = new RegExp(source, 'g');
    const split = new RegExp(splitCountedRepeats(source), 'g');
    for (const s of samples) assert.deepEqual(s.match(split), s.match(plain), `${source} on ${s.slice(0, 20)}`);
  }
});
