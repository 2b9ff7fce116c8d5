import { request, type IncomingMessage } from 'node:http';

export interface HttpCallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Until the response's headers, and then between reads of its body. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One plain HTTP/1.1 exchange on node:http, for the owner client. The CLI talks only to the owner on
 * loopback, and node:http is already loaded: undici (~1 MB of module code) would cost every `clp`
 * command ~90 ms before it printed anything.
 */
export function httpCall(url: string, options: HttpCallOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, signal: options.signal, agent: false }, (res) => {
      res.setTimeout(options.timeoutMs, () => res.destroy(new Error(`no data for ${options.timeoutMs} ms`)));
      resolve(res);
    });
    req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.once('error', reject);
    req.end(options.body);
  });
}

/** The whole body parsed as JSON, or null when it is not JSON. */
export async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
