import { Agent, request, type Dispatcher } from 'undici';

export interface UpstreamTimeouts {
  connectMs: number;
  headersMs: number;
  streamIdleMs: number;
}

export interface UpstreamRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  signal: AbortSignal;
}

/**
 * The one way CLP calls upstreams. undici's Agent keeps a keep-alive pool per origin. `request` (not
 * `fetch`) hands back the body exactly as it came off the wire, compressed or not, so it is relayed
 * with its encoding headers intact and never mislabelled (the original tool's bug B4).
 */
export class UpstreamClient {
  private readonly agent: Agent;

  constructor(readonly timeouts: UpstreamTimeouts) {
    this.agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.streamIdleMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 300_000,
    });
  }

  send(url: string, req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    return request(url, {
      dispatcher: this.agent,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body ?? undefined,
      signal: req.signal,
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  destroy(): Promise<void> {
    return this.agent.destroy();
  }
}
