import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../../shared/errors.ts';
import type { TraceEntry } from '../../shared/records.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { UpstreamConfig } from '../config/schema.ts';
import type { Provider } from '../providers/provider.ts';
import type { ResponseTap } from '../usage/response-tap.ts';
import type { BodyFacts } from '../body/body-scan.ts';
import type { RequestBody } from '../body/request-body.ts';
import type { Cancel } from './cancel.ts';

/** Everything one request carries through the pipeline's stages. */
export interface RequestContext {
  readonly id: string;
  readonly service: ServiceName;
  /** What CLP knows about this port's API: its error dialect, local answers, signed history. */
  readonly provider: Provider;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Epoch milliseconds, for records. */
  readonly startedAt: number;
  /** Monotonic start (performance.now), for durations. */
  readonly t0: number;
  /** Cancelled when the client goes away: stops the upstream call at once. */
  readonly cancel: Cancel;
  /** The path without its query string. */
  readonly path: string;
  /** The path and query sent upstream (the provider's `upstreamUrl`; a model rewrite in the path changes it). */
  url: string;
  /** The model the client asked for (the body's `model`, or the path's where the API names it there). */
  modelRequested: string | null;
  /** The request body and its versions (client, logged, outgoing); null for a bodiless request. */
  body: RequestBody | null;
  facts: BodyFacts | null;
  stream: boolean;
  /** The upstream that answered (or the one being tried). */
  config: UpstreamConfig | null;
  /** The upstreams to try, in order (the pool's plan). */
  candidates: UpstreamConfig[];
  /** The model the client asked for, when routing rewrote it (its name goes back in `openai-model`). */
  modelRewrittenFrom: string | null;
  /** The model sent upstream; routing may change it from the one the client asked for. */
  modelSent: string | null;
  sessionId: string | null;
  /** Decisions taken for this request (routing, failover), kept in its record. */
  trace: TraceEntry[];
  /** Watches the response body for usage and keeps its first bytes for the log. */
  tap: ResponseTap | null;
  responseHeaders: Record<string, string | string[] | undefined> | null;
  /** True when CLP answered itself (health, telemetry): not a proxied request, no record. */
  local: boolean;
  status: number | null;
  errorCode: ErrorCode | null;
  ttfbMs: number | null;
  bytesIn: number;
  bytesOut: number;
  /** Bytes of this request's body taken from the shared body budget (given back when it ends). */
  heldBytes: number;
  /** The log keeps this request's headers and bodies (decided at its start: the log's rate). */
  keepBodies: boolean;
}

/** What a stage returns when it answered and the pipeline stops (plain stages return no new promise). */
export const DONE: Promise<void> = Promise.resolve();

/** A pipeline stage in the `(ctx, next)` style: do work, call `next()` to go on, or answer and stop. */
export type Stage = (ctx: RequestContext, next: () => Promise<void>) => Promise<void>;

export function compose(stages: readonly Stage[]): (ctx: RequestContext) => Promise<void> {
  return (ctx) => {
    const run = (i: number): Promise<void> => {
      const stage = stages[i];
      return stage ? stage(ctx, () => run(i + 1)) : Promise.resolve();
    };
    return run(0);
  };
}
