import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type AnthropicUsage, anthropicError, anthropicMessage, anthropicStreamFrames, DEFAULT_USAGE } from '../fixtures/anthropic.ts';
import { responsesObject, responsesStreamFrames } from '../fixtures/responses.ts';
import { DEFAULT_GEMINI_USAGE, type GeminiUsage, geminiError, geminiResponse, geminiStreamFrames, type Part } from '../fixtures/gemini.ts';

export type Api = 'anthropic' | 'responses' | 'gemini';

/** How the fake upstream answers the next requests. */
export type Behaviour =
  | { kind: 'ok'; gzip?: boolean; frameDelayMs?: number }
  | { kind: 'hang' } // accepts the request and never answers
  | { kind: 'stall'; afterFrames: number } // streams some frames, then goes silent forever
  | { kind: 'drop'; afterFrames: number } // streams some frames, then cuts the connection
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP server on loopback that speaks one API the way the real one does, answering
 * `Hello from <name>` so a test can tell which upstream served a request. It records every request
 * and counts those whose client went away before the answer ended.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  behaviour: Behaviour = { kind: 'ok' };
  /**
   * Act like the real API about history it signed: answer with a thinking block signed `sig-<name>`
   * (Codex: a reasoning item with `enc-<name>`), and reject a request whose history carries another
   * upstream's signature, with the API's own 400 wording.
   */
  signs = false;
  abortedRequests = 0;
  /** The usage its Anthropic answers report (the fixtures' default: a Claude Code turn with a warm cache). */
  usage: AnthropicUsage = DEFAULT_USAGE;
  /** The usage its Gemini answers report. */
  geminiUsage: GeminiUsage = DEFAULT_GEMINI_USAGE;
  private readonly open = new Set<ServerResponse>();
  private readonly waiters: Array<() => void> = [];

  private constructor(
    readonly api: Api,
    readonly name: string,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(api: Api, name: string): Promise<FakeUpstream> {
    let self: FakeUpstream | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        self!.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, res),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeUpstream(api, name, server, (server.address() as AddressInfo).port);
    return self;
  }

  /** What goes into a config's `base_url`: Claude and Gemini configs carry no `/v1`, Codex configs do. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${this.api === 'responses' ? '/v1' : ''}`;
  }

  get text(): string {
    return `Hello from ${this.name}`;
  }

  /** Resolves once the upstream has seen a client go away mid-answer. */
  waitForAbort(): Promise<void> {
    if (this.abortedRequests > 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private handle(rec: RecordedRequest, res: ServerResponse): void {
    this.requests.push(rec);
    this.open.add(res);
    res.on('close', () => {
      this.open.delete(res);
      if (!res.writableEnded) {
        this.abortedRequests++;
        for (const w of this.waiters.splice(0)) w();
      }
    });
    const b = this.behaviour;
    if (b.kind === 'hang') return;
    if (b.kind === 'status') {
      res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers });
      res.end(JSON.stringify(b.body));
      return;
    }
    const path = rec.url.split('?')[0]!;
    if (this.api === 'gemini') return this.gemini(rec, path, res);
    let body: { model?: string; stream?: boolean } = {};
    try {
      body = JSON.parse(rec.body || '{}');
    } catch {
      // an unparsable body is answered like the real API: a 400
    }
    const model = body.model ?? 'unknown-model';
    if (this.signs) {
      const rejection = this.checkSignatures(body as Record<string, unknown>);
      if (rejection) return this.json(res, 400, rejection, rec);
      if (this.api === 'anthropic' && path === '/v1/messages' && !body.stream) {
        const message = anthropicMessage(model, this.text) as { content: unknown[] };
        message.content.unshift({ type: 'thinking', thinking: `thoughts of ${this.name}`, signature: `sig-${this.name}` });
        return this.json(res, 200, message, rec);
      }
      if (this.api === 'responses' && !body.stream) {
        const response = responsesObject(model, this.text) as { output: unknown[] };
        response.output.unshift({ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: `enc-${this.name}` });
        return this.json(res, 200, response, rec);
      }
    }
    if (this.api === 'anthropic') {
      if (path === '/v1/messages/count_tokens') return this.json(res, 200, { input_tokens: 42 }, rec);
      if (path === '/v1/models') return this.json(res, 200, { data: [{ id: 'claude-fake-1', type: 'model', display_name: 'Fake' }], has_more: false }, rec);
      if (path !== '/v1/messages') return this.json(res, 404, anthropicError('not_found_error', `Not found: ${path}`), rec);
      if (!rec.body) return this.json(res, 400, anthropicError('invalid_request_error', 'body required'), rec);
      if (body.stream) return this.stream(res, anthropicStreamFrames(model, this.text, this.usage));
      return this.json(res, 200, anthropicMessage(model, this.text, this.usage), rec);
    }
    res.setHeader('openai-model', model); // as OpenAI does: the model that actually answered
    if (path !== '/v1/responses')
      return this.json(res, 404, { error: { message: `Not found: ${path}`, type: 'invalid_request_error', param: null, code: null } }, rec);
    if (body.stream) return this.stream(res, responsesStreamFrames(model, this.text));
    return this.json(res, 200, responsesObject(model, this.text), rec);
  }

  /**
   * The Gemini API as Gemini CLI meets it: its routing classifier (a JSON schema answer, or it
   * retries until it times out), a function call when the prompt asks for a tool (signed, Gemini 3
   * style, and refused when another upstream's signature comes back), the answer otherwise.
   */
  private gemini(rec: RecordedRequest, path: string, res: ServerResponse): void {
    const m = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
    if (rec.method === 'GET' && path === '/v1beta/models') return this.json(res, 200, { models: [{ name: 'models/gemini-fake-1', displayName: 'Fake' }] }, rec);
    if (!m) return this.json(res, 404, geminiError(404, 'NOT_FOUND', `Not found: ${path}`), rec);
    const [, model, method] = m as unknown as [string, string, string];
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(rec.body || '{}');
    } catch {
      return this.json(res, 400, geminiError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'), rec);
    }
    if (method === 'countTokens') return this.json(res, 200, { totalTokens: 42 }, rec);
    const contents = (body.contents as Array<{ role?: string; parts?: Array<Record<string, unknown>> }> | undefined) ?? [];
    for (const c of contents)
      for (const p of c.parts ?? [])
        if (
          p.functionCall &&
          typeof p.thoughtSignature === 'string' &&
          p.thoughtSignature !== `sig-${this.name}` &&
          p.thoughtSignature !== 'skip_thought_signature_validator'
        )
          return this.json(res, 400, geminiError(400, 'INVALID_ARGUMENT', 'Thought signature is not valid.'), rec);
    const config = (body.generationConfig as Record<string, unknown> | undefined) ?? {};
    const last = contents.at(-1)?.parts ?? [];
    const prompt = last.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
    let parts: Part[];
    if (config.responseMimeType === 'application/json') parts = [{ text: JSON.stringify({ complexity_reasoning: 'a short answer', complexity_score: 10 }) }];
    else if (last.some((p) => p.functionResponse)) parts = [{ text: `${this.text}: the tool answered` }];
    else if (/use a tool/.test(prompt)) parts = [{ functionCall: { name: 'list_directory', args: { dir_path: '.' } }, thoughtSignature: `sig-${this.name}` }];
    else parts = [{ text: this.text }];
    if (method === 'streamGenerateContent') return this.stream(res, geminiStreamFrames(model, parts, this.geminiUsage));
    if (method === 'generateContent') return this.json(res, 200, geminiResponse(model, parts, this.geminiUsage), rec);
    return this.json(res, 404, geminiError(404, 'NOT_FOUND', `Method not found: ${method}`), rec);
  }

  private checkSignatures(body: Record<string, unknown>): unknown {
    if (this.api === 'anthropic') {
      const messages = (body.messages as Array<{ role: string; content: unknown }> | undefined) ?? [];
      for (const [i, m] of messages.entries()) {
        if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
        for (const [j, block] of (m.content as Array<{ type: string; signature?: string }>).entries()) {
          if (block.type === 'thinking' && block.signature !== `sig-${this.name}`) {
            return anthropicError('invalid_request_error', `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
          }
        }
      }
      return null;
    }
    const input = (body.input as Array<{ type: string; encrypted_content?: string }> | undefined) ?? [];
    if (!Array.isArray(input)) return null;
    for (const item of input) {
      if (item.type === 'reasoning' && item.encrypted_content !== `enc-${this.name}`) {
        return {
          error: {
            message: 'The encrypted content gAAA... could not be verified.',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_encrypted_content',
          },
        };
      }
    }
    return null;
  }

  private json(res: ServerResponse, status: number, value: unknown, rec: RecordedRequest): void {
    const b = this.behaviour;
    const text = JSON.stringify(value);
    if (b.kind === 'ok' && b.gzip && String(rec.headers['accept-encoding'] ?? '').includes('gzip')) {
      const zipped = gzipSync(text);
      res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length, 'request-id': 'req_fake' });
      res.end(zipped);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': 'req_fake' });
    res.end(text);
  }

  private stream(res: ServerResponse, frames: string[]): void {
    const b = this.behaviour;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
    const limit = b.kind === 'stall' || b.kind === 'drop' ? b.afterFrames : frames.length;
    const delay = b.kind === 'ok' ? (b.frameDelayMs ?? 0) : 0;
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= limit) {
        if (b.kind === 'drop') res.destroy();
        else if (b.kind !== 'stall') res.end();
        return;
      }
      res.write(frames[i++]);
      if (delay) setTimeout(next, delay);
      else setImmediate(next);
    };
    next();
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
