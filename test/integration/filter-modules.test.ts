import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

/** Filters as code: `$CLP_HOME/filters/*.mjs`, run after the rules, in a worker, failing closed. */
test('filter modules: one rewrites (upstream and log get its body), one throws (refused, nothing sent), one loops past its budget (refused, CLP keeps serving), one edited while CLP runs', async () => {
  const home = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  const codexUp = await FakeUpstream.start('responses', 'codex-up');
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-jjjjjjjjjjjjjjjjjjjj', active: true } });
  await writeConfig(home.home, 'codex', { relay: { base_url: codexUp.baseUrl, api_key: 'sk-codex-kkkkkkkkkkkkkkkkkkkk', active: true } });
  const dir = join(home.home, 'filters');
  await mkdir(dir, { recursive: true });
  // Runs after the rules: the rule has already turned hunter2 into [pw] when the module sees the body.
  await writeFile(join(home.home, 'filter.json'), JSON.stringify([{ source: 'hunter2', target: '[pw]', op: 'replace', match: 'literal' }]));
  await writeFile(
    join(dir, '10-ticket.mjs'),
    `export default function (body, ctx) {
       const text = JSON.stringify(body).replaceAll(/ACME-\\d{4}/g, 'ACME-XXXX');
       const out = JSON.parse(text);
       out.metadata = { user_id: ctx.service + ':' + (ctx.config ?? '-') + ':' + (ctx.model ?? '-') };
       return out;
     }`,
  );
  const core = await startCore(home.home, { filters: { codeBudgetMs: 200 } });
  const env = envFor(home.home, core.ports());
  const claude = new Anthropic({ baseURL: core.urls.claude, apiKey: 'x', maxRetries: 0 });
  const ask = (content: string) => claude.messages.create({ model: 'claude-opus-5-5', max_tokens: 8, messages: [{ role: 'user', content }] });
  try {
    await ask('ticket ACME-1234, password hunter2');
    const sent = JSON.parse(up.requests.at(-1)!.body);
    assert.equal(sent.messages[0].content, 'ticket ACME-XXXX, password [pw]', 'rules first, then the module');
    assert.equal(sent.metadata.user_id, 'claude:relay:claude-opus-5-5', 'the context');
    await core.requests()!.flush();
    const logged = await core.requests()!.log((await core.requests()!.logs({ limit: 1 }))[0]!.id);
    assert.ok(logged!.request_body!.includes('ACME-XXXX') && !logged!.request_body!.includes('ACME-1234'), 'the log keeps the body after the modules');
    assert.deepEqual(
      logged!.trace?.find((t) => t.kind === 'filter-code'),
      { kind: 'filter-code', changed: ['10-ticket.mjs'], failed: null },
    );
    const listed = await clp(['filters'], env);
    assert.match(listed.stdout, /^ {2}10-ticket\.mjs +1 of 1 +fail closed +-$/m);

    // A module that throws: refused in the client's dialect, naming it; nothing reaches the upstream.
    await writeFile(join(dir, '20-broken.mjs'), `export default function () { throw new Error('no secrets table'); }`);
    await eventually(async () => {
      try {
        await ask('hello');
        return false;
      } catch (err) {
        return /20-broken\.mjs threw: no secrets table/.test((err as Error).message);
      }
    }, 5000);
    const before = up.requests.length;
    await assert.rejects(ask('hello'), (err: Error & { status?: number; error?: { error?: { type?: string } } }) => {
      assert.equal(err.status, 400);
      assert.equal(err.error?.error?.type, 'invalid_request_error');
      assert.match(err.message, /CLP: filter module 20-broken\.mjs threw: no secrets table: the request was not sent/);
      return true;
    });
    assert.equal(up.requests.length, before, 'nothing was sent upstream');
    // Codex gets it in its own dialect.
    const codex = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
    await assert.rejects(codex.responses.create({ model: 'gpt-6.2-sol', input: 'hi' }), (err: Error & { status?: number }) => {
      assert.equal(err.status, 400);
      assert.match(err.message, /filter module 20-broken\.mjs threw/);
      return true;
    });
    assert.equal(codexUp.requests.length, 0);
    const status = await clp(['status'], env);
    assert.match(status.stdout, /^ {2}filter module 20-broken\.mjs: threw: no secrets table \(.*; fails closed\)$/m);

    // A module that never returns: ended at its budget, the request refused, CLP goes on serving.
    await rm(join(dir, '20-broken.mjs'));
    await writeFile(join(dir, '30-loop.mjs'), 'export default function (body) { for (;;) {} }');
    const t0 = Date.now();
    await eventually(async () => {
      try {
        await ask('loop?');
        return false;
      } catch (err) {
        return /30-loop\.mjs did not return within its budget of 200 ms/.test((err as Error).message);
      }
    }, 8000);
    assert.ok(Date.now() - t0 < 8000);
    await rm(join(dir, '30-loop.mjs'));
    await eventually(async () => {
      try {
        await ask('back');
        return true;
      } catch {
        return false;
      }
    }, 5000);
    assert.equal(JSON.parse(up.requests.at(-1)!.body).messages[0].content, 'back', 'served again once the loop is gone');

    // Edited while CLP runs: the next requests use the new version.
    await writeFile(join(dir, '10-ticket.mjs'), `export default (body) => ({ ...body, metadata: { user_id: 'v2' } });`);
    assert.ok(
      await eventually(async () => {
        await ask('v2?');
        return JSON.parse(up.requests.at(-1)!.body).metadata?.user_id === 'v2';
      }, 5000),
      'the edited module is in force',
    );
  } finally {
    await core.stop();
    await up.close();
    await codexUp.close();
    await home.cleanup();
  }
});

test('filters.failOpen: a listed module that fails is skipped, the request goes on, and the trace says so', async () => {
  const home = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-llllllllllllllllllll', active: true } });
  await mkdir(join(home.home, 'filters'), { recursive: true });
  await writeFile(join(home.home, 'filters', 'tag.mjs'), 'export default () => 42;');
  await writeFile(join(home.home, 'filters', 'loop.mjs'), 'export default () => { for (;;) {} };');
  const core = await startCore(home.home, { filters: { codeBudgetMs: 100, failOpen: ['tag.mjs', 'loop.mjs'] } });
  try {
    const r = await new Anthropic({ baseURL: core.urls.claude, apiKey: 'x', maxRetries: 0 }).messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'go on' }],
    });
    assert.equal(r.content[0]!.type, 'text');
    assert.equal(JSON.parse(up.requests.at(-1)!.body).messages[0].content, 'go on');
    await core.requests()!.flush();
    const trace = (await core.requests()!.logs({ limit: 1 }))[0]!.trace!;
    const entry = trace.find((t) => t.kind === 'filter-code') as { failed: { module: string; message: string; open: boolean } };
    assert.equal(entry.failed.open, true);
    const view = core.status().filterModules!;
    assert.match(view.find((m) => m.name === 'tag.mjs')!.lastError!.message, /^returned a number \(expected the request body, an object\)$/);
    assert.match(view.find((m) => m.name === 'loop.mjs')!.lastError!.message, /did not return within its budget of 100 ms/);
  } finally {
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});

test("a module's budget counts its run, not its loading: one that takes 300 ms to load still serves under a 150 ms budget", async () => {
  const home = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-nnnnnnnnnnnnnnnnnnnn', active: true } });
  await mkdir(join(home.home, 'filters'), { recursive: true });
  await writeFile(
    join(home.home, 'filters', 'slow-load.mjs'),
    "const until = Date.now() + 300; while (Date.now() < until) {}\nexport default (b) => ({ ...b, metadata: { user_id: 'loaded' } });",
  );
  // Half the loading time: loading counted would fail it; a busy machine preempting the run does not.
  const core = await startCore(home.home, { filters: { codeBudgetMs: 150 } });
  try {
    await new Anthropic({ baseURL: core.urls.claude, apiKey: 'x', maxRetries: 0 }).messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(JSON.parse(up.requests.at(-1)!.body).metadata.user_id, 'loaded');
  } finally {
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});
