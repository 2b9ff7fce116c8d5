import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import type { ConnectivityResult } from '../../shared/dashboard.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { UpstreamConfig } from '../config/schema.ts';
import { buildUpstreamHeaders } from '../proxy/headers.ts';
import { joinUpstreamUrl, originOf } from '../proxy/url.ts';
import { providerOf } from './registry.ts';
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
  return { url: joinUpstreamUrl(config.baseUrl, test.path), headers: buildUpstreamHeaders(base, config), body: test.body };
}

/** The reply's text for both APIs, or the error message an upstream put in its JSON. */
export function replyText(text: string): string {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const err = json.error as { message?: string } | string | undefined;
    if (err) return typeof err === 'string' ? err : (err.message ?? JSON.stringify(err));
    const parts: string[] = [];
    for (const block of (json.content as Array<{ type?: string; text?: string }> | undefined) ?? []) if (block.text) parts.push(block.text);
    for (const item of (json.output as Array<{ content?: Array<{ text?: string }> }> | undefined) ?? [])
      for (const c of item.content ?? []) if (c.text) parts.push(c.text);
    if (parts.length) return parts.join('');
  } catch {
    // Not JSON: the text itself says what happened.
  }
  return text.slice(0, 500);
}

const scrub = (text: string, config: UpstreamConfig) => scrubText(text, configKeys(config), '[key]');

/** Sends the test request; every outcome is a result, the key never appears in it. */
export async function testConnectivity(
  service: ServiceName,
  config: UpstreamConfig,
  model: string,
  effort?: string,
  timeoutMs = 30_000,
): Promise<ConnectivityResult> {
  const req = buildTestRequest(service, config, model, effort);
  const t0 = performance.now();
  const where = `${originOf(req.url)}${new URL(req.url).pathname}`;
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
    return { ok, status: res.statusCode, ms: Math.round(performance.now() - t0), url: where, message: scrub(replyText(text), config).slice(0, 2000) };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { ok: false, status: null, ms: Math.round(performance.now() - t0), url: where, message: scrub(`${e.code ?? e.name}: ${e.message}`, config) };
  }
}
