import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { EventBus } from '../../src/core/events.ts';
import { LiveFeed } from '../../src/core/web/live.ts';
import { DidChangeState } from '../../src/shared/protocol.ts';
import { eventually } from '../helpers/home.ts';

test('a page that stops reading the live feed is cut off once its backlog passes the bound', async () => {
  const feed = new LiveFeed(new EventBus(), 256 * 1024);
  const server = createServer((req, res) => feed.attach(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const reader = connect(port, '127.0.0.1');
  reader.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  const frozen = connect(port, '127.0.0.1');
  frozen.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  frozen.pause(); // a frozen tab: never reads again
  let read = 0;
  reader.on('data', (c: Buffer) => (read += c.length));
  try {
    assert.ok(await eventually(() => feed.size === 2));
    const reason = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 1000 && feed.size === 2; i++) {
      feed.send(DidChangeState, { reason });
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(await eventually(() => feed.size === 1), 'the frozen page was dropped');
    // The page that reads keeps getting events.
    const before = read;
    feed.send(DidChangeState, { reason: 'still here' });
    assert.ok(await eventually(() => read > before));
  } finally {
    reader.destroy();
    frozen.destroy();
    feed.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
