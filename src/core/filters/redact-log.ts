import type { RequestDetailParts, RequestFinished } from '../events.ts';
import { applicableRules, applyToText, type FilterRule } from './apply.ts';

/**
 * Applies the filter rules to the response body the log keeps (the request body was filtered on its
 * way upstream). It runs when the log builds the request's detail, after the response ended, on at
 * most the captured bytes; a request whose bodies the log does not keep is never scanned.
 */
export function redactResponse(finished: RequestFinished, rules: readonly FilterRule[]): RequestFinished {
  // Kept without its bodies: there is no response text to redact, and nothing to wrap.
  if (!finished.bodies) return finished;
  const service = finished.record.service;
  const detail = finished.detail;
  return {
    record: finished.record,
    bodies: finished.bodies,
    detail: (): RequestDetailParts => {
      const parts = detail();
      const applicable = applicableRules(parts.responseBody, service, rules);
      if (!applicable.length) return parts;
      const hits = {};
      const text = applyToText(parts.responseBody.toString('utf8'), applicable, hits);
      if (!Object.keys(hits).length) return parts;
      return { ...parts, responseBody: Buffer.from(text) };
    },
  };
}
