/**
 * Closing the server with a request whose response cannot end (a download its client stopped
 * reading): the request gets shutdownRequestsMs, then its connection is cut, and the close
 * (sockets, store) completes instead of waiting for it for good.
 */

import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import { TUNABLES } from '../../src/tunables.js';
import { startTestServer } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { upload, uploaded } from '../helpers/uploads.js';

const [sqlite] = await storeTargets();
if (!sqlite) throw new Error('no SQLite target');

it('cuts a download its client stopped reading once shutdownRequestsMs has passed, and closes', async () => {
  const db = await sqlite.create();
  const server = await startTestServer(db.config, { ATTACHMENT_UPLOAD_BYTES_PER_SECOND: '0' });
  try {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(8 * 1024 * 1024)]);
    const att = uploaded(
      await upload(server, {
        bytes,
        name: 'big.pdf',
        type: 'application/pdf',
        fields: { senderId: 'close-u', senderType: 'user', senderName: 'U' },
      }),
    );
    // The response starts, then its client reads nothing more: the body cannot end.
    const started = new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${server.url}${att.url}`, (res) => {
        res.pause();
        resolve();
      });
      req.on('error', () => {});
      req.once('error', reject);
      req.end();
    });
    await started;
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
