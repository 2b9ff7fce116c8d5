import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';

test('sessions: each Claude Code session folded from its requests, kept across a restart; the CLI lists and shows them', async () => {
  const home = await tempHome();
  const a = await FakeUpstream.start('anthropic', 'a');
  const b = await FakeUpstream.start('anthropic', 'b');
  await writeConfig(home.home, 'claude', {
    a: { base_url: a.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaa', active: true },
    b: { base_url: b.baseUrl, auth_token: 'sk-b-bbbbbbbbbbbbbbbbbbbb' },
  });
  let core = await startCore(home.home);
  const session = (id: string) =>
    new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': id } });
  const ask = (c: Anthropic, model = 'claude-sonnet-4-5') => c.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  try {
    const one = session('sess-one-1111');
    await ask(one);
    await ask(one, 'claude-opus-4-1');
    await core.activate('claude', 'b');
    await ask(one);
    await ask(session('sess-two-2222'));
    await ask(new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 }));
    const call = async (method: string, params: unknown) => (await rpc(core.urls.ui, method, params, { 'x-clp-token': await dashboardToken(home.home) })).json;
    await core.requests()!.flush();
    const list = await call('sessions/list', {});
    const s1 = list.find((s: { id: string }) => s.id === 'sess-one-1111');
    assert.equal(s1.requests, 3);
    assert.deepEqual(s1.configs, ['a', 'b'], 'the configs it used, in order');
    assert.deepEqual(s1.models, ['claude-sonnet-4-5', 'claude-opus-4-1']);
    assert.equal(s1.last_config, 'b');
    assert.match(s1.client, /^Anthropic\/JS \d/, 'the client and version, from its user agent');
    assert.deepEqual(
      s1.moves.map((m: { from: string; to: string; why: string }) => [m.from, m.to, m.why]),
      [['a', 'b', 'switch']],
      'the switch moved it, and its record shows the move',
    );
    assert.ok(s1.total > 0 && s1.cost_usd > 0);
    assert.ok(
      list.some((s: { id: string }) => s.id === '(no session)'),
      'requests without a session id are grouped',
    );
    assert.equal(list[0].requests >= 1, true);

    // After a restart the sessions come back from the log.
    await core.stop();
    core = await startCore(home.home);
    const again = (await rpc(core.urls.ui, 'sessions/list', {}, { 'x-clp-token': await dashboardToken(home.home) })).json;
    assert.equal(again.find((s: { id: string }) => s.id === 'sess-one-1111').requests, 3);
    assert.equal(again.find((s: { id: string }) => s.id === 'sess-one-1111').moves.length, 1, 'the move is read back from the log');
    const one2 = (await rpc(core.urls.ui, 'sessions/get', { id: 'sess-one' }, { 'x-clp-token': await dashboardToken(home.home) })).json;
    assert.equal(one2.recent.length, 3);
    assert.ok(one2.recent.every((r: { session_id: string }) => r.session_id === 'sess-one-1111'));

    const p = core.ports();
    const env = envFor(home.home, p);
    const cli = await clp(['sessions'], env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^session +service +last request +config +models +requests +errors +tokens +cache hit +cost$/m);
    assert.match(cli.stdout, /^sess-one-111 +claude +\S+ \S+ +b \(\+1\) +claude-sonnet-4-5, claude-opus-4-1 +3 +0 /m);
    const show = await clp(['session', 'show', 'sess-two'], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^session sess-two-2222 \(claude\)/);
    // Bound to a, the session stays there while b is active; the others follow b; unbound, it follows b again.
    const bind = await clp(['session', 'bind', 'sess-one', 'a'], env);
    assert.equal(bind.code, 0, bind.stderr);
    assert.equal(bind.stdout.trim(), 'session sess-one-1111 (claude) is bound to "a": its next requests go there whatever the active config is');
    const before = [a.requests.length, b.requests.length];
    const one3 = new Anthropic({
      baseURL: core.urls.claude,
      apiKey: 'placeholder',
      maxRetries: 0,
      defaultHeaders: { 'x-claude-code-session-id': 'sess-one-1111' },
    });
    const two3 = new Anthropic({
      baseURL: core.urls.claude,
      apiKey: 'placeholder',
      maxRetries: 0,
      defaultHeaders: { 'x-claude-code-session-id': 'sess-two-2222' },
    });
    await ask(one3);
    await ask(two3);
    assert.deepEqual([a.requests.length - before[0]!, b.requests.length - before[1]!], [1, 1]);
    assert.match((await clp(['sessions'], env)).stdout, /^sess-one-111 +claude +\S+ \S+ +a \(bound\)/m);
    await core.stop();
    core = await startCore(home.home, { ports: p });
    const one4 = new Anthropic({
      baseURL: core.urls.claude,
      apiKey: 'placeholder',
      maxRetries: 0,
      defaultHeaders: { 'x-claude-code-session-id': 'sess-one-1111' },
    });
    await ask(one4);
    assert.equal(a.requests.length - before[0]!, 2, 'the binding survives a restart');
    await core.requests()!.flush();
    const boundRecord = (await core.requests()!.logs({ limit: 1 }))[0]!;
    assert.deepEqual(boundRecord.trace?.[0], { kind: 'bound', config: ['a'], by: 'session' });
    // Bound to a config that is out for today: served by the active one, and the trace says why.
    await clp(['pool', 'claude', 'disable-today', 'a'], env);
    await ask(one4);
    await core.requests()!.flush();
    const moved = (await core.requests()!.logs({ limit: 1 }))[0]!;
    assert.equal(moved.config, 'b');
    assert.deepEqual(moved.trace?.[0], { kind: 'bound', config: ['a'], by: 'session' });
    assert.match(JSON.stringify(moved.trace), /"name":"a","why":"pinned by a binding of this session, but disabled for today"/);
    await clp(['pool', 'claude', 'enable', 'a'], env);
    assert.equal((await clp(['session', 'unbind', 'sess-one'], env)).stdout.trim(), 'session sess-one-1111 (claude) follows the active config again');
    await ask(one4);
    assert.equal(b.requests.length - before[1]!, 3);
    assert.match((await clp(['session', 'bind', 'sess-one', 'nope'], env)).stderr, /no config named "nope" \(have: a, b\)/);
    const none = await clp(['session', 'show', 'zzzz'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no session zzzz \(`clp sessions` lists them\)/);
  } finally {
    await core.stop();
    await a.close();
    await b.close();
    await home.cleanup();
  }
});
