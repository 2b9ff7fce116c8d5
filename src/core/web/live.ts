import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveStart } from '../../shared/dashboard.ts';
import { DidChangeState, DidEndRequest, DidStartRequest, type NotificationType } from '../../shared/protocol.ts';
import type { EventBus } from '../events.ts';

const HEARTBEAT_MS = 15_000;
/**
 * How much a page may leave unread before it is cut off. A frozen or throttled tab stops reading;
 * without a bound its share of every event piles up in the owner's memory. A live page reconnects by
 * itself and re-reads its state.
 */
export const MAX_BACKLOG_BYTES = 1024 * 1024;

/**
 * The dashboard's live feed over server-sent events (`GET /api/events`): one event per protocol
 * notification, named by its method. Nothing is serialised while no page listens, so the request
 * path pays only for a listener call. A page that reconnects re-reads its state (the `hello` event
 * tells it the feed is back).
 */
export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly unsubscribe: Array<() => void>;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    events: EventBus,
    private readonly maxBacklog = MAX_BACKLOG_BYTES,
  ) {
    this.unsubscribe = [
      events.on('request:start', (s) => {
        if (!this.clients.size) return;
        const payload: LiveStart = { id: s.id, service: s.service, config: s.config, model: s.model, path: s.path, stream: s.stream, started_at: s.startedAt };
        this.send(DidStartRequest, payload);
      }),
      events.on('request:end', (f) => this.clients.size && this.send(DidEndRequest, f.record)),
      events.on('config:change', (c) => this.clients.size && this.send(DidChangeState, { reason: `${c.service} configs changed` })),
    ];
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), HEARTBEAT_MS).unref();
  }

  /** Notifications the host raises itself (a save through the dashboard, a pool action). */
  send<T>(type: NotificationType<T>, payload: T): void {
    if (this.clients.size) this.write(`event: ${type.method}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** How many pages follow the feed now. */
  get size(): number {
    return this.clients.size;
  }

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\nevent: hello\ndata: {}\n\n');
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on('close', drop);
    res.on('error', drop);
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > this.maxBacklog) {
        this.clients.delete(res);
        res.destroy();
      } else res.write(text);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribe) off();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
