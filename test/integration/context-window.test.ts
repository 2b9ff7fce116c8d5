import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

test("a session at 180K tokens moved to a 128K model: clp active warns, the trace says so; with refuseContextOverflow the move is refused in Anthropic's dialect", async () => {
  for (const refuse of [false, true]) {
    const home = await tempHome();
    const big = await FakeUpstream.start('anthropic', 'big');
    const small = await FakeUpstream.start('anthropic', 'small');
    big.usage = { input_tokens: 2_000, cache_creation_input_tokens: 8_000, cache_read_input_tokens: 170_000, output_tokens: 500 };
    await writeConfig(home.home, 'claude', {
      big: { base_url: big.baseUrl, auth_token: 'sk-big-aaaaaaaaaaaaaaaaaaaa', active: true },
      small: { base_url: small.baseUrl, auth_token: 'sk-small-bbbbbbbbbbbbbbbbbb', context_window: 128_000 },
    });
    const core = await startCore(home.home, { refuseContextOverflow: refuse });
    try {
      const s = new Anthropic({
        baseURL: core.urls.claude,
        apiKey: 'placeholder',
        maxRetries: 0,
        defaultHeaders: { 'x-claude-code-session-id': 'long-sess-0001' },
      });
      const ask = () => s.messages.create({ model: 'claude-opus-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'go on' }] });
      await ask();
      // Claude Code's small background calls (titles, summaries) go on in the same session: the
      // conversation's size is still what a move must fit.
      const bigUsage = big.usage;
      big.usage = { input_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 20 };
      await s.messages.create({ model: 'claude-haiku-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'title?' }] });
      big.usage = bigUsage;
      const p = core.ports();
      const env = envFor(home.home, p);
      const switched = await clp(['active', 'claude', 'small'], env);
      assert.equal(switched.code, 0, switched.stderr);
      assert.match(switched.stdout, /^ {2}window 128K$/m, "the config's window, where it is known");
      assert.match((await clp(['list', 'claude'], env)).stdout, /^\* small +\S+ +weight 0 +bearer +window 128K$/m);
      assert.match(
        switched.stderr,
        /^warning: session long-sess-00 uses 180,000 tokens of context; claude-opus-5-5 on "small" holds 128,000 \(compact it first, or `clp session bind long-ses <config>`\)$/m,
      );
      await core.stores.claude.reload();
      const before = small.requests.length;
      if (refuse) {
        await assert.rejects(ask(), (err: Error & { status?: number }) => {
          assert.equal(err.status, 400);
          assert.match(
            err.message,
            /CLP: this session was not moved to \\?"small\\?": it already uses 180,000 tokens of context and claude-opus-5-5 there holds 128,000/,
          );
          return true;
        });
        assert.equal(small.requests.length, before, 'nothing was sent to the small model');
      } else {
        await ask();
        assert.equal(small.requests.length, before + 1, 'warned, then sent');
      }
      await core.requests()!.flush();
      const last = (await core.requests()!.logs({ limit: 1 }))[0]!;
      assert.deepEqual(
        last.trace?.find((t) => t.kind === 'window'),
        { kind: 'window', config: 'small', model: 'claude-opus-5-5', window: 128_000, used: 180_000, refused: refuse },
      );
      // Another session, small, moves without a word.
      const fresh = new Anthropic({
        baseURL: core.urls.claude,
        apiKey: 'placeholder',
        maxRetries: 0,
        defaultHeaders: { 'x-claude-code-session-id': 'short-sess-01' },
      });
      await fresh.messages.create({ model: 'claude-opus-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    } finally {
      await core.stop();
      await big.close();
      await small.close();
      await home.cleanup();
    }
  }
});
