import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestRecord } from '../../shared/records.ts';
import { isServiceName, type ServiceName } from '../../shared/services.ts';
import type { Usage } from '../../shared/usage.ts';
import type { Logger } from '../log.ts';
import { scanBody } from '../body/body-scan.ts';
import type { Pricing } from '../usage/pricing.ts';
import type { DailyImport, RowInput } from './protocol.ts';
import { SERVICE_PROFILE } from '../../shared/service-profile.ts';
import { localDay } from '../time.ts';
import type { RequestStore } from './request-store.ts';

export const ORIGINAL_MARKER = 'import:clp-original';

type Obj = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * The original tool's six metrics, moved to CLP's conventions: its Codex `input` included cached
 * tokens (OpenAI's convention), and its `total` left cache tokens out.
 */
export function originalMetrics(service: ServiceName, m: Obj): Usage {
  const cachedRead = n(m.cached_read);
  const cachedCreate = n(m.cached_create);
  const input = SERVICE_PROFILE[service].inputIncludesCacheReads ? Math.max(0, n(m.input) - cachedRead) : n(m.input);
  const output = n(m.output);
  return {
    input,
    cached_create: cachedCreate,
    cached_read: cachedRead,
    output,
    reasoning: n(m.reasoning),
    total: input + cachedCreate + cachedRead + output,
    cache_5m: null,
    cache_1h: null,
  };
}

/** `YYYY-MM-DDTHH:MM:SS` in local time (the original wrote no zone). */
function parseLocal(ts: unknown): number | null {
  const m = typeof ts === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(ts) : null;
  if (!m) return null;
  return new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime();
}

function pathOnly(url: unknown): string {
  if (typeof url !== 'string') return '/';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] || '/';
  }
}

/** Rows from `data/proxy_requests.jsonl`: metadata and usage only (its headers held plaintext keys). */
export function parseOriginalLog(text: string): RowInput[] {
  const rows: RowInput[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: Obj;
    try {
      e = JSON.parse(line) as Obj;
    } catch {
      continue;
    }
    const service = String(e.service ?? '');
    const started = parseLocal(e.timestamp);
    if (!isServiceName(service) || started === null) continue;
    let model: string | null = null;
    for (const field of ['filtered_body', 'original_body']) {
      if (model || typeof e[field] !== 'string') continue;
      model = scanBody(Buffer.from(e[field] as string, 'base64')).model;
    }
    const metrics = ((e.usage as Obj | undefined)?.metrics as Obj | undefined) ?? null;
    const status = typeof e.status_code === 'number' ? e.status_code : null;
    const record: RequestRecord = {
      id: `orig-${createHash('sha256').update(line).digest('hex').slice(0, 32)}`,
      started_at: started,
      service,
      config: typeof e.channel === 'string' ? e.channel : null,
      model_requested: model,
      model_sent: model,
      model_answered: null,
      method: typeof e.method === 'string' ? e.method : 'POST',
      path: pathOnly(e.path),
      status,
      error: status !== null && status >= 400 ? `http_${status}` : null,
      duration_ms: n(e.duration_ms),
      ttfb_ms: null,
      bytes_in: 0,
      bytes_out: n(e.response_bytes),
      stream: false,
      session_id: null,
      usage: metrics ? originalMetrics(service, metrics) : null,
      cost_usd: null,
      trace: [{ kind: 'imported', from: 'clp-original' }],
    };
    rows.push({ record, day: localDay(started), detail: null });
  }
  return rows;
}

/** Totals from `data/history_usage.json` (usage folded out of trimmed logs; it has no dates or models). */
export function parseOriginalHistory(text: string, day: string): DailyImport[] {
  let data: Obj;
  try {
    data = JSON.parse(text) as Obj;
  } catch {
    return [];
  }
  const out: DailyImport[] = [];
  for (const [service, channels] of Object.entries(data)) {
    if (!isServiceName(service) || !channels || typeof channels !== 'object') continue;
    for (const [config, metrics] of Object.entries(channels as Obj)) {
      const u = originalMetrics(service, (metrics ?? {}) as Obj);
      out.push({
        day,
        service,
        config: config === 'unknown' ? '' : config,
        model: '',
        input: u.input,
        cached_create: u.cached_create,
        cached_read: u.cached_read,
        output: u.output,
        reasoning: u.reasoning,
        total: u.total,
      });
    }
  }
  return out;
}

/**
 * Brings the original tool's request log and usage history in, once (a marker in the database says
 * it was done). Its files are only read, never changed: the user may still run the old tool.
 */
export async function importOriginalOnce(store: RequestStore, dataDir: string, log: Logger, pricing: Pricing): Promise<void> {
  if ((await store.meta(ORIGINAL_MARKER)) !== null) return;
  const logFile = join(dataDir, 'proxy_requests.jsonl');
  const historyFile = join(dataDir, 'history_usage.json');
  const read = (f: string) => readFile(f, 'utf8').catch(() => null);
  const [logText, historyText] = await Promise.all([read(logFile), read(historyFile)]);
  if (logText === null && historyText === null) return;
  const rows = logText ? parseOriginalLog(logText).map((r) => ({ ...r, record: pricing.price(r.record) })) : [];
  const historyDay = historyText ? localDay((await stat(historyFile)).mtimeMs) : '';
  const daily = historyText ? parseOriginalHistory(historyText, historyDay) : [];
  await store.importOnce(ORIGINAL_MARKER, rows, daily);
  log.info(`imported the original CLP's data: ${rows.length} request(s), ${daily.length} history total(s)`);
}
