import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import type { ConnectivityResult } from '../../shared/dashboard.ts';
import type { ServiceName } from '../../shared/services.ts';
import { SERVICE_PROFILE } from '../../shared/service-profile.ts';
import type { UpstreamConfig } from '../config/schema.ts';
import { buildUpstreamHeaders } from '../proxy/headers.ts';
import { joinUpstreamUrl, originOf } from '../proxy/url.ts';
import { PROVIDERS, providerOf } from './registry.ts';
import { configKeys, scrubText } from '../config/scrub-keys.ts';

export interface TestCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Pure: the provider's smallest request that proves a config works, sent with the config's key. */
export function buildTestRequest(service: ServiceName, config: UpstreamConfig, model: string, effort?: string): TestCall {
  const test = providerOf(service).testRequest(model, effort);
  const base = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'clp-connectivity-test', ...test.headers };
  return {
    url: joinUpstreamUrl(config.baseUrl, test.path),
    headers: buildUpstreamHeaders(base, config, SERVICE_PROFILE[service].apiKeyHeader),
    body: test.body,
  };
}

/** The reply's text in the service's API, or the error message an upstream put in its JSON. */
export function replyText(text: string, service: ServiceName = 'claude'): string {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const err = json.error as { message?: string } | string | undefined;
    if (err) return typeof err === 'string' ? err : (err.message ?? JSON.stringify(err));
    // A relay may answer in another API's shape than the port's: each provider's reading is tried.
    const reply = providerOf(service).replyText(json) ?? Object.values(PROVIDERS).reduce<string | null>((found, p) => found ?? p.replyText(json), null);
    if (reply) return reply;
  } catch {
    // Not JSON: the text itself says what happened.
  }
  return text.slice(0, 500);
}

const scrub = (text: string, config: UpstreamConfig) => scrubText(text, configKeys(config), '[key]');

/**
 * Pure: what a failed test means and what to do, in words. Null when the test worked.
 */
export function explainTest(
  r: { ok: boolean; status: number | null; message: string },
  keyKind: 'auth_token' | 'api_key' | null,
  apiKeyHeader = 'x-api-key',
): string | null {
  if (r.ok) return null;
  const m = r.message;
  if (r.status === null) {
    if (/ECONNREFUSED/.test(m)) return 'Nothing listens at that address: check base_url (host and port).';
    if (/ENOTFOUND|EAI_AGAIN/.test(m)) return 'That host name does not resolve: check base_url.';
    if (/Timeout|ETIMEDOUT|aborted due to timeout/i.test(m)) return 'No answer in time: the relay may be down, slow, or behind a firewall.';
    if (/CERT|SSL|TLS|EPROTO/i.test(m)) return "The secure connection failed: check http:// versus https:// in base_url, or the relay's certificate.";
    if (/ECONNRESET|socket hang up|other side closed/i.test(m)) return 'The connection was dropped before an answer: check base_url, or try again.';
    return 'No answer from the upstream: check base_url.';
  }
  const s = r.status;
  const model =
    /model/i.test(m) && /not[ _-]?found|unknown|invalid|does not exist|not supported|unsupported|no such|\u4e0d\u5b58\u5728|\u4e0d\u652f\u6301/i.test(m); // 不存在 (does not exist), 不支持 (not supported): escaped so the bundle stays one-byte text
  if (s === 401 || s === 403)
    return `The key was refused: check it${keyKind ? `, and whether it is an api_key (sent as ${apiKeyHeader}) or an auth_token (sent as Authorization: Bearer); this config has it as ${keyKind}` : ''}.`;
  if (s === 402) return 'The upstream wants payment: the account is out of credit.';
  if (model) return 'The model is unknown upstream: pick one the upstream lists.';
  if (s === 404) return 'No such path upstream: check base_url (Claude and Gemini base URLs carry no /v1 or /v1beta; Codex base URLs end in /v1).';
  if (s === 429) return 'The key works, but the account is rate limited right now.';
  if (s >= 500) return 'The upstream failed on its side: try again later, or another relay.';
  if (s === 400) return 'The upstream refused the request: the message above says why (often the model name).';
  return null;
}

/** The model ids an upstream lists (`GET /v1/models`, Gemini's `/v1beta/models`), or null when it lists none. */
export async function listModels(config: UpstreamConfig, timeoutMs = 5_000, service: ServiceName = 'claude'): Promise<string[] | null> {
  try {
    const provider = providerOf(service);
    const url = joinUpstreamUrl(config.baseUrl, provider.modelList.path);
    const headers = buildUpstreamHeaders({ accept: 'application/json', 'user-agent': 'clp-connectivity-test' }, config, SERVICE_PROFILE[service].apiKeyHeader);
    const res = await request(url, { method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.body.text();
    if (res.statusCode !== 200) return null;
    const ids = provider.modelList.ids(JSON.parse(text) as Record<string, unknown>).filter((id): id is string => typeof id === 'string' && id.length < 200);
    return ids.length ? ids.slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** Sends the test request; every outcome is a result, the key never appears in it. */
export async function testConnectivity(
  service: ServiceName,
  config: UpstreamConfig,
  model: string,
  effort?: string,
  timeoutMs = 30_000,
  now: () => number = Date.now,
): Promise<ConnectivityResult> {
  const req = buildTestRequest(service, config, model, effort);
  const t0 = performance.now();
  const where = `${originOf(req.url)}${new URL(req.url).pathname}`;
  const keyKind = config.authToken ? 'auth_token' : config.apiKey ? 'api_key' : null;
  let result: Omit<ConnectivityResult, 'hint' | 'models' | 'at' | 'model'>;
  try {
    const res = await request(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    result = {
      ok,
      status: res.statusCode,
      ms: Math.round(performance.now() - t0),
      url: where,
      message: scrub(replyText(text, service), config).slice(0, 2000),
    };
  } catch (err) {
    const e = err as Error & { code?: string };
    result = { ok: false, status: null, ms: Math.round(performance.now() - t0), url: where, message: scrub(`${e.code ?? e.name}: ${e.message}`, config) };
  }
  // An upstream that answered but refused: the models it lists help pick one that works.
  const models = !result.ok && result.status !== null ? await listModels(config, 5_000, service) : null;
  return { ...result, model, hint: explainTest(result, keyKind, SERVICE_PROFILE[service].apiKeyHeader), models, at: now() };
}
