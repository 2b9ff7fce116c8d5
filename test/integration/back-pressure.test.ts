import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, sleep, tempHome, writeConfig } from '../helpers/home.ts';

// A long answer to a client that stops reading: CLP must stop reading the upstream too (so its memory
// holds socket buffers, not the answer), and go on once the client reads again, losing nothing.
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const TOTAL = 48 * 1024 * 1024;

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let upstream: Server;
/** What the upstream has handed to its socket so far (it writes only while its socket takes more). */
let written = 0;
const finished: RequestRecord[] = [];

before(async () => {
  home = await tempHome();
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
      const more = () => {
        while (written < TOTAL) {
          written += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  await writeConfig(home.home, 'claude', { up: { base_url: `http://127.0.0.1:${port}`, auth_token: 't', active: true } });
  core = await startCore(home.home, { log: { enabled: false } });
  core.events.on('request:end', (r) => finished.push(r.record));
});

after(async () => {
  await core.stop();
  await new Promise((resolve) => upstream.close(resolve));
  await home.cleanup();
});

test('a client that stops reading holds the upstream back, and gets the whole answer when it reads again', { timeout: 30_000 }, async () => {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${core.urls.claude}/v1/files/big`, { method: 'GET' }, resolve);
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.statusCode, 200);
  // The client reads nothing for a while: the upstream must stall far short of the whole answer.
  res.pause();
  await sleep(300);
  const stalledAt = written;
  await sleep(300);
  assert.equal(written, stalledAt, 'the upstream kept writing to a client that reads nothing');
  assert.ok(written < TOTAL / 2, `the upstream wrote ${written} of ${TOTAL} bytes to a client that reads nothing`);
  // Reading again, the client gets every byte (CLP resumes the upstream on each drain).
  let received = 0;
  res.on('data', (c: Buffer) => {
    received += c.length;
  });
  res.resume();
  await new Promise((resolve) => res.on('end', resolve));
  assert.equal(received, TOTAL);
  assert.ok(await eventually(() => finished.length === 1), 'the request was recorded');
  assert.equal(finished[0]!.bytes_out, TOTAL);
  assert.equal(finished[0]!.error, null);
});
