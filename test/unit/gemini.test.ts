import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { launchOf } from '../../src/cli/commands/run.ts';
import { findModel } from '../../src/core/providers/catalogue.ts';
import { MODELS } from '../../src/core/providers/catalogues.ts';
import { estimateGeminiTokens, countTokensFallback } from '../../src/core/providers/gemini/count-tokens.ts';
import { geminiDialect } from '../../src/core/providers/gemini/errors.ts';
import { geminiPathModel, withoutQueryKey } from '../../src/core/providers/gemini/path-model.ts';
import { isSignatureRejection, replaceSignatures, SKIP_SIGNATURE } from '../../src/core/providers/gemini/signed-history.ts';
import { fromGemini } from '../../src/core/providers/gemini/usage.ts';
import { geminiFindings, planGeminiEnv, planGeminiSettings, readEnvFile } from '../../src/core/setup/gemini.ts';
import { ResponseTap } from '../../src/core/usage/response-tap.ts';
import { renderResponse } from '../../src/shared/response-view.ts';
import { usageFromJson } from '../../src/core/usage/stream-usage.ts';
import { DEFAULT_GEMINI_USAGE, geminiResponse, geminiStreamFrames } from '../fixtures/gemini.ts';

const GEMINI = { input: 1134, cached_create: 0, cached_read: 4096, output: 208, reasoning: 187, total: 5438, cache_5m: null, cache_1h: null };

async function tapAll(headers: Record<string, string>, chunks: Buffer[]) {
  const tap = new ResponseTap(headers, { captureBytes: 1 << 20 });
  for (const c of chunks) tap.write(c);
  return tap.finish();
}

test('usageMetadata normalised like the others: cached reads out of input, thoughts in output, the total kept', () => {
  assert.deepEqual(fromGemini({ ...DEFAULT_GEMINI_USAGE }), GEMINI);
  // A tool's own prompt is input; a reply without thinking or cache is plain.
  assert.deepEqual(fromGemini({ promptTokenCount: 10, candidatesTokenCount: 2, toolUsePromptTokenCount: 5, totalTokenCount: 17 }), {
    input: 15,
    cached_create: 0,
    cached_read: 0,
    output: 2,
    reasoning: 0,
    total: 17,
    cache_5m: null,
    cache_1h: null,
  });
});

test('a Gemini stream: the last chunk’s usage, the model, the end, however the bytes are cut (CRLF frames)', async () => {
  const bytes = Buffer.from(geminiStreamFrames('gemini-3.5-flash', [{ text: 'Hello \u2603 w\u00f6rld \ud83d\ude80' }]).join(''));
  for (let i = 0; i <= bytes.length; i += 7) {
    const r = await tapAll({ 'content-type': 'text/event-stream' }, [bytes.subarray(0, i), bytes.subarray(i)]);
    assert.deepEqual(r.usage, GEMINI);
    assert.equal(r.model, 'gemini-3.5-flash');
    assert.equal(r.completed, true);
  }
  // Cut before the last chunk: what was seen, and not complete.
  const frames = geminiStreamFrames('gemini-3.5-flash', [{ text: 'Hello there' }]);
  const cut = await tapAll({ 'content-type': 'text/event-stream' }, [Buffer.from(frames.slice(0, 2).join(''))]);
  assert.equal(cut.completed, false);
  assert.equal(cut.usage?.output, 2);
});

test('a whole Gemini answer, plain and gzipped: usage from usageMetadata, the model from modelVersion', async () => {
  const text = JSON.stringify(geminiResponse('gemini-3.1-pro-preview', [{ text: 'ok' }]));
  for (const r of [
    await tapAll({ 'content-type': 'application/json' }, [Buffer.from(text)]),
    await tapAll({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, [gzipSync(text)]),
  ]) {
    assert.deepEqual(r.usage, GEMINI);
    assert.equal(r.model, 'gemini-3.1-pro-preview');
  }
  assert.deepEqual(usageFromJson(text), { usage: GEMINI, model: 'gemini-3.1-pro-preview' });
});

test('an error chunk inside a 200 stream is the stream’s error', async () => {
  const frames = geminiStreamFrames('gemini-3.5-flash', [{ text: 'Hel' }]).slice(0, 1);
  frames.push(`data: ${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })}\r\n\r\n`);
  const r = await tapAll({ 'content-type': 'text/event-stream' }, [Buffer.from(frames.join(''))]);
  assert.equal(r.streamError, 'UNAVAILABLE');
  assert.equal(r.completed, false);
});

test('the model lives in the path: read, rewritten (other methods and the query kept), a key in the query dropped', () => {
  assert.equal(geminiPathModel.of('/v1beta/models/gemini-3.5-flash:streamGenerateContent'), 'gemini-3.5-flash');
  assert.equal(geminiPathModel.of('/v1/models/gemini-2.5-pro:countTokens'), 'gemini-2.5-pro');
  assert.equal(geminiPathModel.of('/v1beta/models'), null);
  assert.equal(
    geminiPathModel.with('/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse', 'relay/gemini 3'),
    '/v1beta/models/relay%2Fgemini%203:streamGenerateContent?alt=sse',
  );
  assert.equal(withoutQueryKey('/v1beta/models/m:generateContent?key=AIza123&alt=sse'), '/v1beta/models/m:generateContent?alt=sse');
  assert.equal(withoutQueryKey('/v1beta/models/m:generateContent?key=AIza123'), '/v1beta/models/m:generateContent');
  assert.equal(withoutQueryKey('/v1beta/models/m:generateContent?alt=sse&monkey=1'), '/v1beta/models/m:generateContent?alt=sse&monkey=1');
});

test("CLP's errors in the Gemini dialect: the status name by HTTP code; mid-stream a bare JSON error the SDK acts on, as a 503", () => {
  const body = JSON.parse(geminiDialect.errorBody(429, 'no_upstream', 'no gemini upstream is available'));
  assert.equal(body.error.code, 429);
  assert.equal(body.error.status, 'RESOURCE_EXHAUSTED');
  assert.equal(body.error.message, 'CLP: no gemini upstream is available');
  assert.equal(body.error.details[0].reason, 'NO_UPSTREAM');
  const mid = geminiDialect.streamError('upstream_timeout', 'stalled');
  assert.ok(!mid.startsWith('data:'));
  assert.equal(JSON.parse(mid).error.code, 503);
});

test('thought signatures another upstream made become the skip value; the 400 that refuses one is recognised', () => {
  const body = {
    contents: [
      { role: 'model', parts: [{ functionCall: { name: 'ls', args: {} }, thoughtSignature: 'sig-a' }, { text: 'x' }] },
      { role: 'model', parts: [{ text: 'y', thoughtSignature: SKIP_SIGNATURE }] },
    ],
  };
  assert.equal(replaceSignatures(body), 1);
  assert.equal((body.contents[0]!.parts[0] as { thoughtSignature: string }).thoughtSignature, SKIP_SIGNATURE);
  assert.equal(isSignatureRejection(400, '{"error":{"message":"Thought signature is not valid."}}'), true);
  assert.equal(isSignatureRejection(400, '{"error":{"message":"bad model"}}'), false);
});

test('countTokens estimate: text at 3.5 characters a token, inline media a fixed share, never 0; only for a 404/405 countTokens', () => {
  assert.equal(estimateGeminiTokens({ contents: [{ role: 'user', parts: [{ text: 'x'.repeat(350) }] }] }), 100);
  assert.equal(estimateGeminiTokens({ contents: [] }), 1);
  assert.equal(estimateGeminiTokens({ contents: [{ parts: [{ inlineData: { mimeType: 'image/png', data: 'A'.repeat(1_000_000) } }] }] }), 1600);
  assert.equal(estimateGeminiTokens({ generateContentRequest: { contents: [{ parts: [{ text: 'x'.repeat(35) }] }] } }), 10);
  const body = Buffer.from('{"contents":[{"parts":[{"text":"hi"}]}]}');
  assert.deepEqual(countTokensFallback('/v1beta/models/m:countTokens', 404, body), { totalTokens: 1 });
  assert.equal(countTokensFallback('/v1beta/models/m:countTokens', 500, body), null);
  assert.equal(countTokensFallback('/v1beta/models/m:generateContent', 404, body), null);
});

test('Gemini prices: ids with the version in the middle find their line; flash-lite is no variant of flash', () => {
  const hit = (m: string) => {
    const h = findModel(MODELS, m);
    return h ? `${h.entry.id}${h.estimated ? ' (estimated)' : ''}` : null;
  };
  assert.equal(hit('gemini-3.5-flash'), 'gemini-3.5-flash');
  assert.equal(hit('models/gemini-3.5-flash'), 'gemini-3.5-flash');
  assert.equal(hit('gemini-3.8-flash'), 'gemini-3.5-flash (estimated)');
  assert.equal(hit('gemini-3.5-flash-lite'), 'gemini-3.1-flash-lite (estimated)');
  assert.equal(hit('gemini-2.5-flash-preview-09-2025'), 'gemini-2.5-flash (estimated)');
  assert.equal(hit('gemini-3.1-pro-preview-customtools'), 'gemini-3.1-pro-preview');
  assert.equal(hit('gemini-4-pro'), 'gemini-3.1-pro-preview (estimated)');
  assert.equal(hit('gemini-ultra'), null);
  // The other lines' lookups are as they were.
  assert.equal(hit('gpt-5.5-codex'), 'gpt-5.5 (estimated)');
  assert.equal(hit('claude-opus-5-7'), 'claude-opus-5-5 (estimated)');
});

test('Set Up Gemini CLI: ~/.gemini/.env gets the base URL and key, other lines kept; settings.json its auth type; a broken file refused', () => {
  const plan = planGeminiEnv('# mine\nGOOGLE_GEMINI_BASE_URL="https://relay.example"\nOTHER=1\n', 'http://127.0.0.1:3212');
  assert.equal(plan.next, '# mine\nGOOGLE_GEMINI_BASE_URL=http://127.0.0.1:3212\nOTHER=1\nGEMINI_API_KEY=clp\n');
  assert.deepEqual(plan.changes, ['set GOOGLE_GEMINI_BASE_URL: https://relay.example → http://127.0.0.1:3212', 'add GEMINI_API_KEY=clp']);
  assert.deepEqual(planGeminiEnv(plan.next, 'http://127.0.0.1:3212').changes, []);
  const secret = planGeminiEnv(null, 'http://127.0.0.1:3212', 's3cret-value');
  assert.ok(!secret.changes.join(' ').includes('s3cret-value'), 'the secret is never shown');
  assert.deepEqual(
    [...readEnvFile(secret.next)],
    [
      ['GOOGLE_GEMINI_BASE_URL', 'http://127.0.0.1:3212'],
      ['GEMINI_API_KEY', 's3cret-value'],
    ],
  );
  const settings = planGeminiSettings('{"ui":{"theme":"Dracula"},"security":{"auth":{"selectedType":"oauth-personal"}}}', 's.json');
  assert.deepEqual(JSON.parse(settings.next), { ui: { theme: 'Dracula' }, security: { auth: { selectedType: 'gemini-api-key' } } });
  assert.deepEqual(planGeminiSettings(settings.next, 's.json').changes, []);
  assert.throws(() => planGeminiSettings('{"ui": ', 's.json'), /s\.json: not valid JSON.*will not overwrite/);
});

test('the doctor on Gemini CLI: a shell variable that wins, a project .env read instead, no auth type; all clear once set up', () => {
  const url = 'http://127.0.0.1:3212';
  const good = { envFile: planGeminiEnv(null, url).next, settings: { security: { auth: { selectedType: 'gemini-api-key' } } }, projectEnvFiles: [] };
  assert.deepEqual(geminiFindings(url, {}, good), []);
  const bad = geminiFindings(url, { GOOGLE_GEMINI_BASE_URL: 'https://elsewhere' }, { envFile: null, settings: null, projectEnvFiles: [['/w/.env', 'DB=1\n']] });
  assert.deepEqual(
    bad.map((f) => f.severity),
    ['problem', 'warning', 'problem', 'warning'],
  );
  assert.match(bad[2]!.message, /\/w\/\.env is read instead of ~\/\.gemini\/\.env/);
  assert.match(bad[3]!.fix, /security\.auth\.selectedType/);
});

test('clp run -- gemini: the base URL, the key and the auth type in its environment, the binding as a custom header', () => {
  const out = launchOf('gemini', 'http://127.0.0.1:3212', 'k', '中转站,b', { GOOGLE_API_KEY: 'real', GEMINI_CLI_CUSTOM_HEADERS: 'x-a: 1' }, ['-p', 'hi']);
  assert.equal(out.env.GOOGLE_GEMINI_BASE_URL, 'http://127.0.0.1:3212');
  assert.equal(out.env.GEMINI_API_KEY, 'k');
  assert.equal(out.env.GEMINI_DEFAULT_AUTH_TYPE, 'gemini-api-key');
  assert.equal(out.env.GOOGLE_API_KEY, undefined);
  assert.equal(out.env.GEMINI_CLI_CUSTOM_HEADERS, `x-a: 1,x-clp-config: ${encodeURIComponent('中转站')},b`);
  assert.deepEqual(out.args, ['-p', 'hi']);
});

test('the request detail reads a Gemini answer: streamed text joined, thoughts apart, a function call with its arguments, an error chunk', () => {
  const streamed = geminiStreamFrames('gemini-3.5-flash', [{ text: 'Hello from the relay' }]).join('');
  assert.deepEqual(renderResponse(streamed).blocks, [{ kind: 'text', text: 'Hello from the relay' }]);
  const whole = JSON.stringify(
    geminiResponse('gemini-3.5-flash', [
      { text: 'let me look', thought: true },
      { functionCall: { name: 'list_directory', args: { dir_path: '.' } }, thoughtSignature: 'sig' },
    ]),
  );
  assert.deepEqual(renderResponse(whole).blocks, [
    { kind: 'thinking', text: 'let me look' },
    { kind: 'tool', name: 'list_directory', input: '{\n  "dir_path": "."\n}' },
  ]);
  const failed = `${geminiStreamFrames('m', [{ text: 'Hi' }])[0]}data: {"error":{"code":503,"status":"UNAVAILABLE","message":"overloaded"}}\r\n\r\n`;
  assert.deepEqual(
    renderResponse(failed).blocks.find((b) => b.kind === 'error'),
    { kind: 'error', text: 'UNAVAILABLE: overloaded' },
  );
});
