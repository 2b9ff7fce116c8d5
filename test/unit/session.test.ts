import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanBody } from '../../src/core/body/body-scan.ts';
import { sessionIdOf } from '../../src/core/proxy/session.ts';

const facts = (body: unknown) => scanBody(Buffer.from(JSON.stringify(body)));

test('session id: header first, then metadata.user_id (both forms), then Codex header, then prompt_cache_key', () => {
  assert.equal(sessionIdOf({ 'x-claude-code-session-id': 'hdr' }, facts({ metadata: { user_id: 'x' } })), 'hdr');
  assert.equal(sessionIdOf({}, facts({ metadata: { user_id: '{"device_id":"d","account_uuid":"a","session_id":"json-sess"}' } })), 'json-sess');
  assert.equal(sessionIdOf({}, facts({ metadata: { user_id: 'user_abc123_account_11111111-2222_session_9f1c2d3e-aaaa-bbbb' } })), '9f1c2d3e-aaaa-bbbb');
  assert.equal(sessionIdOf({}, facts({ metadata: { user_id: 'plain-user' } })), 'plain-user');
  assert.equal(sessionIdOf({ session_id: 'codex-sess' }, facts({ prompt_cache_key: 'pck' })), 'codex-sess');
  assert.equal(sessionIdOf({}, facts({ prompt_cache_key: 'pck' })), 'pck');
  assert.equal(sessionIdOf({}, null), null);
});
