import type { RequestDetail, RequestRecord, UsageGroupBy, UsageReport } from '../../shared/records.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { UsageMetric } from '../../shared/usage.ts';

/** A finished request on its way to the store: the record, its local day, and its capped bodies. */
export interface RowInput {
  record: RequestRecord;
  day: string;
  detail: {
    request_headers: Record<string, string>;
    response_headers: Record<string, string>;
    request_body: Uint8Array | null;
    request_truncated: boolean;
    upstream_body: Uint8Array | null;
    response_body: Uint8Array | null;
    response_truncated: boolean;
  } | null;
}

export interface UsageQuery {
  service?: ServiceName;
  /** Only requests at or after this epoch ms (read from the request rows; sub-day windows). */
  sinceMs?: number;
  /** Only days at or after this `YYYY-MM-DD` (read from the daily totals, which outlive retention). */
  sinceDay?: string;
  by: UsageGroupBy;
}

export interface LogsQuery {
  limit: number;
  service?: ServiceName;
  /** Only requests started at or after this epoch millisecond. */
  sinceMs?: number;
}

export interface StoreOptions {
  /** The totals database (sql.js). */
  file: string;
  /** Schema 1's journal, read once if it is still there. */
  journal: string;
  /** The request log's segments. */
  logDir: string;
  segmentBytes: number;
  retentionDays: number;
  /** The request log's budget on disk. */
  maxBytes: number;
}

export type ToWorker =
  | { type: 'open'; options: StoreOptions; now: number }
  | { type: 'insert'; rows: RowInput[]; ack?: number }
  | { type: 'maintain'; now: number; ack?: number }
  | { type: 'snapshot'; ack: number }
  | { type: 'import'; rows: RowInput[]; daily: DailyImport[]; marker: string; ack: number }
  | { type: 'usage'; id: number; query: UsageQuery }
  | { type: 'logs'; id: number; query: LogsQuery }
  | { type: 'log'; id: number; requestId: string }
  | { type: 'meta'; id: number; key: string }
  | { type: 'close'; ack: number };

/** Totals folded from the original tool's history file, which has no per-request rows. */
export interface DailyImport extends Record<UsageMetric, number> {
  day: string;
  service: ServiceName;
  config: string;
  model: string;
}

export type FromWorker =
  | { type: 'ready'; rows: number; recovered: number; warnings: string[] }
  | { type: 'ack'; ack: number }
  | { type: 'result'; id: number; value: UsageReport | RequestRecord[] | RequestDetail | string | null }
  | { type: 'error'; id?: number; ack?: number; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
