import type { RequestFinished } from '../events.ts';
import { applicableRules, applyToText, type FilterRule } from './apply.ts';

/**
 * Applies the filter rules to the response body the log keeps (the request body was filtered on its
 * way upstream). It runs after the response ended, on at most the captured bytes.
 */
export function redactResponse(finished: RequestFinished, rules: readonly FilterRule[]): RequestFinished {
  const service = finished.record.service;
  const body = finished.detail.responseBody;
  const applicable = applicableRules(body, service, rules);
  if (!applicable.length) return finished;
  const hits = {};
  const text = applyToText(body.toString('utf8'), applicable, hits);
  if (!Object.keys(hits).length) return finished;
  return { ...finished, detail: { ...finished.detail, responseBody: Buffer.from(text) } };
}
