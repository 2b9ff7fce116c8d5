import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaceModel, scanBody } from '../../src/core/body/body-scan.ts';
import { decideRoute, importOriginalRouter, parseRoutes } from '../../src/core/routing/routes.ts';
import type { RouteRule } from '../../src/shared/rules.ts';

const rules: RouteRule[] = [
  { name: 'haiku-cheap', match: { model: 'claude-3-5-haiku*' }, model: 'glm-4.6' },
  { name: 'opus-pin', match: { model: 'claude-opus-*' }, config: 'official' },
  { name: 'relay-a-model', match: { config: 'relay-a' }, model: 'kimi-k2' },
  { name: 'off', enabled: false, match: {}, config: 'never' },
  { name: 'both', match: { model: 'claude-sonnet-4-5', config: 'relay-b' }, model: 'sonnet-x', config: ['relay-c', 'relay-d'] },
];

const table: Array<[string | null, string | null, { model: string | null; config: string[] | null; matched: string[] }]> = [
  ['claude-3-5-haiku-20241022', 'relay-z', { model: 'glm-4.6', config: null, matched: ['haiku-cheap'] }],
  ['claude-opus-4-5', 'relay-z', { model: null, config: ['official'], matched: ['opus-pin'] }],
  ['claude-opus-4-5', 'relay-a', { model: 'kimi-k2', config: ['official'], matched: ['opus-pin', 'relay-a-model'] }],
  ['claude-sonnet-4-5', 'relay-b', { model: 'sonnet-x', config: ['relay-c', 'relay-d'], matched: ['both'] }],
  ['claude-sonnet-4-5', 'relay-z', { model: null, config: null, matched: [] }],
  [null, 'relay-a', { model: 'kimi-k2', config: null, matched: ['relay-a-model'] }],
];
for (const [model, config, want] of table) {
  test(`route ${model} on ${config}`, () => assert.deepEqual(decideRoute(rules, model, config), want));
}

test('a model rewrite changes only the top-level model value, byte for byte elsewhere', () => {
  const body = Buffer.from(
    '{"model" : "claude-3-5-haiku",\n "messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"S\\u00e9"}],"model":"nested"}],"stream":true}',
  );
  const out = replaceModel(body, 'glm-4.6 "q"')!;
  assert.equal(out.toString(), body.toString().replace('"claude-3-5-haiku"', '"glm-4.6 \\"q\\""'));
  assert.equal(scanBody(out).model, 'glm-4.6 "q"');
  assert.equal(replaceModel(Buffer.from('{"messages":[]}'), 'x'), null);
});

test('routes.json is validated with `path: message`', () => {
  const bad = parseRoutes('routes.json', '{"claude":[{"match":{"model":"x"}}]}');
  assert.ok(!bad.ok && bad.error.startsWith('routes.json: claude.0: a rule needs'), !bad.ok ? bad.error : '');
  assert.ok(parseRoutes('routes.json', '').ok);
});

test("the original router file imports with its meaning: only the global mode's mappings are on", () => {
  const original = {
    mode: 'model-mapping',
    modelMappings: {
      claude: [
        { source: 'claude-sonnet-4-5-20250929', target: 'claude-opus-4-1-20250805', source_type: 'model' },
        { source: 'relay-a', target: 'glm-4.6', source_type: 'config' },
      ],
      codex: [],
    },
    configMappings: { claude: [{ model: 'claude-3-5-haiku-20241022', config: 'cheap-relay' }], codex: [] },
  };
  const routes = importOriginalRouter(original);
  assert.deepEqual(
    routes.claude.map((r) => [r.enabled, r.match, r.model ?? null, r.config ?? null]),
    [
      [true, { model: 'claude-sonnet-4-5-20250929' }, 'claude-opus-4-1-20250805', null],
      [true, { config: 'relay-a' }, 'glm-4.6', null],
      [false, { model: 'claude-3-5-haiku-20241022' }, null, 'cheap-relay'],
    ],
  );
  assert.deepEqual(decideRoute(routes.claude, 'claude-3-5-haiku-20241022', 'x'), { model: null, config: null, matched: [] });
});

test('a request body has one owner: the log keeps the filtered text, upstream gets the rewrite, and the model span is reused', async () => {
  const { RequestBody } = await import('../../src/core/body/request-body.ts');
  const client = Buffer.from('{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"pw hunter2"}]}');
  const body = new RequestBody(client, scanBody(client));
  assert.equal(body.changedForUpstream, null);
  const filtered = Buffer.from(client.toString().replace('hunter2', '[pw]'));
  body.filtered(filtered);
  assert.equal(body.logged, filtered);
  assert.equal(body.changedForUpstream, null, 'the filtered body is what the log keeps');
  assert.ok(body.rewriteModel('glm-4.6'));
  assert.equal(body.logged, filtered);
  assert.equal(body.outgoing.toString(), filtered.toString().replace('claude-haiku-4-5', 'glm-4.6'));
  assert.equal(body.changedForUpstream, body.outgoing);
  const plain = new RequestBody(client, scanBody(client));
  assert.ok(plain.rewriteModel('x'));
  assert.equal(plain.outgoing.toString(), client.toString().replace('"claude-haiku-4-5"', '"x"'));
});
