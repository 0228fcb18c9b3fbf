/**
 * Closing the server with downloads in flight. One whose client reads it to its end while
 * the close goes on ends, and its connection closes with it, so the close completes then.
 * One whose response cannot end (its client stopped reading) gets shutdownRequestsMs,
 * then its connection is cut, and the close (sockets, store) completes instead of waiting
 * for it for good.
 */

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { TUNABLES } from '../../src/tunables.js';
import { startTestServer } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { type Uploaded, upload, uploaded } from '../helpers/uploads.js';

const targets = await storeTargets();

/** A PDF larger than loopback's socket buffers: its response cannot end unread. */
const BIG_PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(8 * 1024 * 1024)]);

const uploadBig = async (server: RunningServer): Promise<Uploaded> =>
  uploaded(
    await upload(server, {
      bytes: BIG_PDF,
      name: 'big.pdf',
      type: 'application/pdf',
      fields: { senderId: 'close-u', senderType: 'user', senderName: 'U' },
    }),
  );

/** A GET whose response has started; its client reads nothing until told to. */
function startedGet(url: string, agent?: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on('error', () => {});
    req.once('error', reject);
    req.end();
  });
}

async function bodyLength(res: IncomingMessage): Promise<number> {
  let length = 0;
  for await (const chunk of res) length += (chunk as Buffer).length;
  return length;
}

/**
 * A keep-alive connection left idle after its request: the close shuts it at once, so its
 * closing tells that the close has reached the HTTP server.
 */
async function idleConnection(server: RunningServer): Promise<Socket> {
  const res = await startedGet(`${server.url}/health`, new Agent({ keepAlive: true }));
  const { socket } = res;
  await bodyLength(res);
  return socket;
}

describe.each(targets)('a close on $name', (target) => {
  it('completes as soon as a download in flight when it began has ended, closing its keep-alive connection', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config, { ATTACHMENT_UPLOAD_BYTES_PER_SECOND: '0' });
    const agent = new Agent({ keepAlive: true });
    try {
      const att = await uploadBig(server);
      const idle = await idleConnection(server);
      const res = await startedGet(`${server.url}${att.url}`, agent);
      const closing = server.close();
      await once(idle, 'close');
      // The download goes on after the close began, and ends while it goes on.
      const at = performance.now();
      expect(await bodyLength(res)).toBe(BIG_PDF.length);
      await closing;
      expect(performance.now() - at).toBeLessThan(TUNABLES.shutdownRequestsMs.value / 2);
    } finally {
      agent.destroy();
      await server.close();
      await db.drop();
    }
  }, 30_000);
});

it('cuts a download its client stopped reading once shutdownRequestsMs has passed, and closes', async () => {
  const [sqlite] = targets;
  if (!sqlite) throw new Error('no SQLite target');
  const db = await sqlite.create();
  const server = await startTestServer(db.config, { ATTACHMENT_UPLOAD_BYTES_PER_SECOND: '0' });
  try {
    const att = await uploadBig(server);
    // The response starts, then its client reads nothing more: the body cannot end.
    await startedGet(`${server.url}${att.url}`);
    const at = performance.now();
    await server.close();
    const took = performance.now() - at;
    expect(took).toBeGreaterThanOrEqual(TUNABLES.shutdownRequestsMs.value - 100);
    expect(took).toBeLessThan(TUNABLES.shutdownRequestsMs.value + 3_000);
  } finally {
    await server.close();
    await db.drop();
  }
}, 30_000);
