import type { ServiceName } from '../../shared/services.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { DialectWriter } from './dialect-writer.ts';
import type { StreamGrammar, UsageShape } from './stream-state.ts';

type Obj = Record<string, unknown>;

/** The fixed prompt of a connectivity test: it carries nothing of the user's. */
export const TEST_PROMPT = 'Reply with the word OK.';

/** A request answered by CLP itself, never forwarded: a status and a JSON body (null: no body). */
export interface LocalAnswer {
  status: number;
  body: unknown;
}

/** The smallest request that proves a config works: a path under the config's base URL. */
export interface TestRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One row of a client's in-app model picker: a config and one of its models. */
export interface PickerEntry {
  config: string;
  model: string;
}

/**
 * A client's own model picker, when it asks the gateway for its entries (Claude Code's `/model`):
 * each entry names a config, and picking one keeps the session there.
 */
export interface ModelPicker {
  /** Whether this is the client asking for the list. */
  isList(method: string, path: string): boolean;
  listBody(entries: readonly PickerEntry[]): unknown;
  /** The config and real model a picked id names, or null when the model is not a picker id. */
  parse(model: string): { model: string; config: string } | null;
  /** The models listed for a config that names none. */
  readonly defaults: readonly string[];
}

/**
 * Everything CLP knows about one API, in one place: each provider folder implements this, and the
 * stages and the web server ask it instead of branching on the service.
 */
export interface Provider {
  readonly service: ServiceName;
  /** Errors CLP makes itself, in this API's dialect. */
  readonly errors: DialectWriter;
  /** Requests the client makes that CLP answers itself (probes, telemetry); null: forward it. */
  localAnswer(method: string, path: string): LocalAnswer | null;
  /**
   * History signed by the upstream that made it (thinking signatures, encrypted reasoning) only
   * verifies there: when a conversation moves, its earlier turns go without it.
   */
  readonly signedHistory: {
    /** Cheap check on the raw bytes: is there anything a strip could remove? */
    mayCarry(raw: Buffer): boolean;
    /** Removes it from the parsed body in place; returns how many items went. */
    strip(body: Obj): number;
    /** The upstream's 400 for history it cannot verify, by its own wording. */
    isRejection(status: number, text: string): boolean;
  };
  /**
   * Request parts only the provider's own API accepts (Anthropic's tool search), taken out for a
   * config without the capability; null when the API has none.
   */
  readonly toolSearch: { mayCarry(raw: Buffer): boolean; strip(body: Obj): number } | null;
  /** Response headers that name the answering model and go back to the requested one after a rewrite. */
  readonly modelHeaders: readonly string[];
  testRequest(model: string, effort?: string): TestRequest;
  /**
   * What CLP answers itself when the upstream does not serve a request it could answer locally
   * (Anthropic's `count_tokens` on a relay: an estimate); null to relay the upstream's answer.
   */
  unservedFallback(path: string, status: number, body: Buffer | null): unknown | null;
  /** The models this API serves: prices, windows, where the figures came from. */
  readonly models: readonly CatalogueEntry[];
  /** The client's in-app model picker, when it lists the gateway's models; null when it does not. */
  readonly modelPicker: ModelPicker | null;
  /** How it streams: the grammar the response reader finds usage, the model and the end by. */
  readonly stream: StreamGrammar;
  /** Its usage objects' shapes (OpenAI has two: Responses and Chat Completions). */
  readonly usageShapes: readonly UsageShape[];
  /** The top-level keys of a whole JSON answer that hold its usage and its model. */
  readonly answerKeys: { readonly usage: string; readonly model: string };
  /**
   * Where the model is named when the API puts it in the path (Gemini's
   * `/v1beta/models/{model}:generateContent`); null: the body's top-level `model`.
   */
  readonly pathModel: PathModel | null;
  /** Whether the path says the client asked for a stream (Gemini's `:streamGenerateContent`); null: the body and headers say. */
  streamByPath(path: string): boolean | null;
  /** The path and query sent upstream for the client's (a key the client put in the query never leaves). */
  upstreamUrl(url: string): string;
  /** The text of a reply (a connectivity test's), or null when it has none. */
  replyText(json: Obj): string | null;
  /** Where the API lists its models, and the ids in its answer. */
  readonly modelList: { readonly path: string; ids(json: Obj): unknown[] };
}

/**
 * What an API that names its model in the body's `model` (Messages, Responses) has in common: the
 * answer's `usage` and `model`, nothing to take out of the URL, streams said by the body, its models
 * listed at `GET /v1/models` as `data[].id`.
 */
export const MODEL_IN_BODY = {
  answerKeys: { usage: 'usage', model: 'model' },
  pathModel: null,
  streamByPath: () => null,
  upstreamUrl: (url: string) => url,
  modelList: { path: '/v1/models', ids: (json: Obj) => ((json.data as Array<{ id?: unknown }> | undefined) ?? []).map((d) => d.id) },
} as const satisfies Partial<Provider>;

/** A model named in the request's path. */
export interface PathModel {
  /** The model a path names, or null. */
  of(path: string): string | null;
  /** The path and query with the model replaced. */
  with(url: string, model: string): string;
}
