import type { RequestRecord, UsageGroupBy } from '../../shared/records.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { UsageMetric } from '../../shared/usage.ts';
import type { Bodies } from './blob.ts';

/** A finished request on its way to the store: the record, its local day, and its capped bodies. */
export interface RowInput {
  record: RequestRecord;
  day: string;
  detail: Bodies | null;
  /** Body bytes this row holds while it waits for the disk. */
  bytes?: number;
  /** Its headers and bodies were not kept (the log was past its rate or its queue): its line says so. */
  shed?: boolean;
}

export interface UsageQuery {
  service?: ServiceName;
  /** Only requests at or after this epoch ms (read from the request rows; sub-day windows). */
  sinceMs?: number;
  /** Only days at or after this `YYYY-MM-DD` (read from the daily totals, which outlive retention). */
  sinceDay?: string;
  by: UsageGroupBy;
  /** A session's project directory (what `by: 'project'` groups on), when CLP knows it. */
  projectOf?: (service: ServiceName, session: string | null) => string | null;
}

export type { LogsQuery } from '../../shared/records.ts';

/** Totals folded from the original tool's history file, which has no per-request rows. */
export interface DailyImport extends Record<UsageMetric, number> {
  day: string;
  service: ServiceName;
  config: string;
  model: string;
}
