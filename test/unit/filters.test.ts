import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applicableRules, filterBody, applyToText } from '../../src/core/filters/apply.ts';
import { DETECTOR_NAMES, detectorRules } from '../../src/core/filters/detectors.ts';
import { compileRules, leadingLiteral } from '../../src/core/filters/rules.ts';

function rules(value: unknown) {
  const c = compileRules('filter.json', value);
  assert.ok(c.ok, !c.ok ? c.error : '');
  return c.rules;
}

const run = (body: unknown, value: unknown, service: 'claude' | 'codex' = 'claude') => {
  const r = filterBody(Buffer.from(JSON.stringify(body)), service, rules(value));
  return { body: r.body ? JSON.parse(r.body.toString()) : null, hits: r.hits };
};

test('an original-tool rule (no `match`) keeps its regex meaning; `literal` matches exactly', () => {
  const body = { messages: [{ role: 'user', content: 'key a.b+c and axb+c' }] };
  assert.equal(run(body, { source: 'a.b', target: 'X', op: 'replace' }).body.messages[0].content, 'key X+c and X+c');
  assert.equal(run(body, [{ source: 'a.b+c', target: 'X', op: 'replace', match: 'literal' }]).body.messages[0].content, 'key X and axb+c');
});

test('matching sees decoded text: quotes, backslashes and newlines in a secret match, and the result is valid JSON', () => {
  const secret = 'pa"ss\\word\nline2';
  const r = filterBody(
    Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: `use ${secret} now` }] })),
    'claude',
    rules([{ source: secret, op: 'remove', match: 'literal' }]),
  );
  assert.ok(r.body);
  assert.equal(JSON.parse(r.body.toString()).messages[0].content, 'use  now');
  assert.deepEqual(r.hits, { '#1': 1 });
  const quoted = run({ content: 'token=abc' }, [{ source: 'abc', target: 'has "quotes" and \\ backslash', op: 'replace', match: 'literal' }]);
  assert.equal(quoted.body.content, 'token=has "quotes" and \\ backslash');
});

test('signed thinking blocks and encrypted reasoning are left byte for byte', () => {
  const body = {
    messages: [
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'secret-123 in my thoughts', signature: 'sig-secret-123' },
          { type: 'text', text: 'secret-123' },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'found secret-123' }] },
    ],
    input: [{ type: 'reasoning', encrypted_content: 'gAAAsecret-123', summary: [] }],
  };
  const out = run(body, [{ source: 'secret-123', target: '[x]', op: 'replace', match: 'literal' }]).body;
  assert.deepEqual(out.messages[0].content[0], body.messages[0]!.content[0]);
  assert.equal(out.messages[0].content[1].text, '[x]');
  assert.equal(out.messages[1].content[0].content, 'found [x]');
  assert.equal(out.input[0].encrypted_content, 'gAAAsecret-123');
});

test('regex targets: \\1 and \\g<name> refer to groups, a stray backslash is literal text', () => {
  assert.equal(run({ t: 'id=42;' }, { source: 'id=(\\d+)', target: 'ID<\\1>', op: 'replace' }).body.t, 'ID<42>;');
  assert.equal(run({ t: 'id=42;' }, { source: 'id=(?<n>\\d+)', target: '\\g<n>!', op: 'replace' }).body.t, '42!;');
  assert.equal(run({ t: 'id=42;' }, { source: 'id', target: 'a\\zb', op: 'replace' }).body.t, 'a\\zb=42;');
});

test('rules apply only to their services, and disabled ones not at all', () => {
  const value = [
    { source: 'x', target: 'y', op: 'replace', match: 'literal', services: ['codex'] },
    { source: 'z', op: 'remove', match: 'literal', enabled: false },
  ];
  assert.equal(run({ t: 'xz' }, value, 'claude').body, null);
  assert.equal(run({ t: 'xz' }, value, 'codex').body.t, 'yz');
});

test('a bad pattern is refused with `path: message`; a bad file shape too', () => {
  const bad = compileRules('filter.json', [
    { source: 'ok', op: 'remove' },
    { source: '(unclosed', op: 'remove' },
  ]);
  assert.ok(!bad.ok && /^filter\.json: rule 2: source: Invalid regular expression/.test(bad.error), !bad.ok ? bad.error : '');
  const shape = compileRules('filter.json', [{ source: 'a', op: 'delete' }]);
  assert.ok(!shape.ok && shape.error.startsWith('filter.json: rule 1: op: '));
});

test('a body with no possible match is not even parsed (returns null, untouched)', () => {
  const raw = Buffer.from('{"messages":[{"role":"user","content":"nothing here"}]}');
  assert.deepEqual(filterBody(raw, 'claude', rules([{ source: 'sk-live', op: 'remove', match: 'literal' }])), { body: null, hits: {} });
  assert.equal(
    filterBody(Buffer.from('not json sk-live'), 'claude', rules([{ source: 'sk-live', op: 'remove', match: 'literal' }])).body?.toString(),
    'not json ',
  );
});

test('built-in detectors find common key formats', () => {
  const samples: Record<string, string> = {
    anthropic: `sk-ant-api03-${'A'.repeat(40)}`,
    openai: `sk-proj-${'b'.repeat(40)}`,
    aws: 'AKIAIOSFODNN7EXAMPLE',
    github: `ghp_${'c'.repeat(36)}`,
    private_key: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----',
    jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  };
  for (const name of DETECTOR_NAMES) {
    const hits = {};
    const out = applyToText(`before ${samples[name]} after`, detectorRules([name]), hits);
    assert.equal(out, `before [REDACTED:${name}] after`, name);
    assert.deepEqual(hits, { [`detector:${name}`]: 1 });
  }
  assert.equal(applyToText('a normal sentence about sk- prefixes and eyJ', detectorRules(DETECTOR_NAMES), {}), 'a normal sentence about sk- prefixes and eyJ');
});

test('a regex rule with a leading literal runs only on bodies that contain it, and still matches escaped text', () => {
  assert.equal(leadingLiteral('ACME-[0-9]{6}'), 'ACME-');
  assert.equal(leadingLiteral('^token=\\w+'), 'token=');
  assert.equal(leadingLiteral('abcd?e'), 'abc', 'an optional last character is not required');
  assert.equal(leadingLiteral('acme|other'), null, 'alternation: no single required text');
  assert.equal(leadingLiteral('\\bkey'), null);
  assert.equal(leadingLiteral('ab[0-9]'), null, 'too short to be worth it');
  const compiled = compileRules('filter.json', [{ source: 'ACME-[0-9]{6}', op: 'replace', target: '[id]' }]);
  assert.ok(compiled.ok);
  const rules = compiled.rules;
  assert.deepEqual(rules[0]!.anchors, ['ACME-']);
  assert.equal(filterBody(Buffer.from(JSON.stringify({ messages: [{ content: 'nothing here ACME-12' }] })), 'claude', rules).body, null);
  const hit = filterBody(Buffer.from(JSON.stringify({ messages: [{ content: 'line one\n"quoted" ACME-123456 end' }] })), 'claude', rules);
  assert.equal(JSON.parse(hit.body!.toString()).messages[0].content, 'line one\n"quoted" [id] end');
  assert.deepEqual(hit.hits, { '#1': 1 });
});

test('the rules that could match a body: one search for all needles, then each rule on its own', () => {
  const list = [
    ...rules([
      { name: 'lit', source: 'hunter2', op: 'remove', match: 'literal' },
      { name: 'codex-only', source: 'ACME-[0-9]{6}', op: 'remove', services: ['codex'] },
      { name: 'open', source: '[0-9]{16}', op: 'remove' },
    ]),
    ...detectorRules(['aws', 'github']),
  ];
  const names = (text: string, service: 'claude' | 'codex' = 'claude') => applicableRules(Buffer.from(text), service, list).map((r) => r.label);
  // A regex with no literal could match anything, so it is always a candidate; nothing else is here.
  assert.deepEqual(names('{"content":"nothing to see, caf\u00e9"}'), ['open']);
  assert.deepEqual(names('{"content":"my hunter2 and ghs_x"}'), ['lit', 'open', 'detector:github']);
  assert.deepEqual(names('{"content":"ACME-123456"}'), ['open']);
  assert.deepEqual(names('{"content":"ACME-123456"}', 'codex'), ['codex-only', 'open']);
  assert.deepEqual(names(''), []);
  // Large bodies are searched in 32 KB windows: a needle across a window's edge is still seen.
  for (const at of [32 * 1024 - 3, 64 * 1024 - 1, 100_000])
    assert.deepEqual(names(`${'a'.repeat(at)}hunter2${'b'.repeat(70_000)}`), ['lit', 'open'], `at ${at}`);
  assert.deepEqual(names('c'.repeat(200_000)), ['open']);
});
