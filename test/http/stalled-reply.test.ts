/**
 * A transcript whose client stops reading is cut once nothing could be sent to it for
 * DOWNLOAD_IDLE_MS, as an attachment's download is (attachment-download-idle.test.ts):
 * without the bound, the connection and the transcript's reading held on for as long as the
 * client kept the connection open. One that reads after a shorter pause gets it whole. The
 * chat is long enough that its transcript outgrows what the kernel buffers for a paused
 * reader on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { seedLongChat } from '../helpers/bulk-seed.js';
import { pausedGet } from '../helpers/paused-get.js';
import { startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const MESSAGES = 60_000;

describe('streamed replies whose client stops reading (SQLite)', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  let db: TestDatabase;
  let server: RunningServer;
  let path: string;

  beforeAll(async () => {
    db = await sqlite.create();
    const { chatId } = await seedLongChat(db.config, 'stalled-user', MESSAGES);
    server = await startTestServer(db.config, { DOWNLOAD_IDLE_MS: '1000' });
    path = `/api/chats/${chatId}/transcript?format=html`;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('a transcript whose reader pauses past the bound is cut; after a shorter pause it comes whole', async () => {
    const whole = (await (await fetch(`${server.url}${path}`)).arrayBuffer()).byteLength;
    // Larger than loopback's buffers hold for a reader that takes nothing.
    expect(whole).toBeGreaterThan(12 * 1024 * 1024);
    expect(await pausedGet(server.url, path, 3000)).toBeLessThan(whole);
    // The headers and the whole transcript.
    expect(await pausedGet(server.url, path, 300)).toBeGreaterThan(whole);
  }, 60_000);
});
