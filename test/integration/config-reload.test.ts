import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

const ask = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

test('a broken config file is never overwritten; the last good version keeps serving; a fix is picked up', async () => {
  const { home, cleanup } = await tempHome();
  const a = await FakeUpstream.start('anthropic', 'good');
  const b = await FakeUpstream.start('anthropic', 'fixed');
  await writeConfig(home, 'claude', { good: { base_url: a.baseUrl, auth_token: 't' } });
  const core = await startCore(home);
  try {
    const client = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
    const broken = `{ "good": { "base_url": "${b.baseUrl}", "auth_token": "t" }, oops }`;
    const file = await writeConfig(home, 'claude', broken);
    assert.ok(await eventually(() => core.stores.claude.state().error !== null, 1500), 'the broken edit was noticed');
    assert.match(core.stores.claude.state().error!, /^claude\.json: line \d+, column \d+: not valid JSON/);
    assert.match(core.status().services.claude.config.error!, /^claude\.json: /);

    const served = await client.messages.create(ask);
    assert.equal(served.content[0]?.type === 'text' && served.content[0].text, 'Hello from good');
    assert.equal(await readFile(file, 'utf8'), broken, 'the broken file is left exactly as the user wrote it');

    await assert.rejects(core.activate('claude', 'good'), /claude\.json: line \d+, column \d+: not valid JSON.*will not overwrite/);
    assert.equal(await readFile(file, 'utf8'), broken);

    await writeConfig(home, 'claude', { fixed: { base_url: b.baseUrl, auth_token: 't' } });
    assert.ok(await eventually(() => core.stores.claude.state().error === null, 1500), 'the fix was picked up');
    const after = await client.messages.create(ask);
    assert.equal(after.content[0]?.type === 'text' && after.content[0].text, 'Hello from fixed');
  } finally {
    await core.stop();
    await a.close();
    await b.close();
    await cleanup();
  }
});

test('an invalid (but parseable) edit is reported as `file: path: message` and does not replace the good one', async () => {
  const { home, cleanup } = await tempHome();
  const a = await FakeUpstream.start('responses', 'good');
  await writeConfig(home, 'codex', { good: { base_url: a.baseUrl, auth_token: 't' } });
  const core = await startCore(home);
  try {
    await writeConfig(home, 'codex', { good: { base_url: 'not a url', auth_token: 't' } });
    assert.ok(await eventually(() => core.stores.codex.state().error !== null, 1500));
    assert.equal(core.stores.codex.state().error, 'codex.json: good.base_url: must be an http:// or https:// URL');
    const client = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
    assert.equal((await client.responses.create({ model: 'gpt-5-codex', input: 'hi' })).output_text, 'Hello from good');
  } finally {
    await core.stop();
    await a.close();
    await cleanup();
  }
});

test('first run: files are created private, and every request gets a clear error in its dialect naming the file', async () => {
  const { home, cleanup } = await tempHome();
  const core = await startCore(join(home, 'fresh'));
  try {
    const claudeFile = join(home, 'fresh', 'claude.json');
    assert.equal(await readFile(claudeFile, 'utf8'), '{}\n');
    if (process.platform !== 'win32') {
      assert.equal((await stat(claudeFile)).mode & 0o777, 0o600);
      assert.equal((await stat(join(home, 'fresh'))).mode & 0o777, 0o700);
    }
    assert.equal(core.status().services.claude.placeholder, true);

    const anthropic = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
    await assert.rejects(anthropic.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => {
      assert.equal(e.status, 400);
      const body = e.error as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'invalid_request_error');
      assert.ok(body.error.message.includes(claudeFile), body.error.message);
      return true;
    });
    const openai = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
    await assert.rejects(openai.responses.create({ model: 'gpt-5-codex', input: 'hi', stream: true }), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 400);
      assert.equal(e.code, 'no_config');
      assert.ok(e.message.includes(join(home, 'fresh', 'codex.json')));
      return true;
    });

    // Adding a config later needs no restart.
    const up = await FakeUpstream.start('anthropic', 'late');
    await writeConfig(join(home, 'fresh'), 'claude', { late: { base_url: up.baseUrl, auth_token: 't' } });
    assert.ok(await eventually(() => core.stores.claude.snapshot().active !== null, 1500));
    const msg = await anthropic.messages.create(ask);
    assert.equal(msg.content[0]?.type === 'text' && msg.content[0].text, 'Hello from late');
    await up.close();
  } finally {
    await core.stop();
    await cleanup();
  }
});

test('a config file broken before start does not stop the start: the last good copy serves, else placeholder mode', async () => {
  const { home, cleanup } = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'kept');
  try {
    await writeConfig(home, 'claude', '{"a": {"base_url": 7}}');
    const first = await startCore(home);
    try {
      assert.equal(first.stores.claude.state().error?.startsWith('claude.json: a.base_url: '), true);
      assert.equal(first.status().services.claude.placeholder, true, 'nothing good was ever kept: placeholder mode');
    } finally {
      await first.stop();
    }
    assert.equal(await readFile(join(home, 'claude.json'), 'utf8'), '{"a": {"base_url": 7}}', 'never overwritten');

    // Once a version loads, CLP keeps a copy; a start on a broken file serves that copy.
    await writeConfig(home, 'claude', { a: { base_url: up.baseUrl, auth_token: 'sk-kept-kkkkkkkkkkkkkkkkkkkk', active: true } });
    const second = await startCore(home);
    await second.stop();
    await writeConfig(home, 'claude', '{"a": {"base_url": ');
    const third = await startCore(home);
    try {
      const status = third.status().services.claude;
      assert.match(status.config.error ?? '', /^claude\.json: line 1, column \d+: not valid JSON/);
      assert.equal(status.config.configs, 1);
      assert.equal(status.active, 'a');
      const res = await fetch(`${third.urls.claude}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Hello from kept/);
      const kept = await stat(join(home, 'data', 'last-good', 'claude.json'));
      assert.equal(kept.mode & 0o077, 0, 'the copy holds keys: private, as the file is');
    } finally {
      await third.stop();
    }
  } finally {
    await up.close();
    await cleanup();
  }
});
