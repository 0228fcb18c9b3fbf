/**
 * A transcript whose client stops reading is cut once nothing could be sent to it for
 * DOWNLOAD_IDLE_MS, as an attachment's download is (attachment-download-idle.test.ts):
 * without the bound, the connection and the transcript's reading held on for as long as the
 * client kept the connection open. One that reads after a shorter pause gets it whole. The
 * chat is long enough that its transcript outgrows what the kernel buffers for a paused
 * reader on loopback.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { seedLongChat } from '../helpers/bulk-seed.js';
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

  /** GETs `path`, reads nothing for `pauseMs`, then reads to the end: the bytes that came. */
  const pausedGet = (pauseMs: number) =>
    new Promise<number>((resolve) => {
      let received = 0;
      const { port } = new URL(server.url);
      const socket = connect({ port: Number(port), host: '127.0.0.1' }, () => {
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        socket.pause();
        setTimeout(() => socket.resume(), pauseMs);
      });
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve(received));
    });

  it('a transcript whose reader pauses past the bound is cut; after a shorter pause it comes whole', async () => {
    const whole = (await (await fetch(`${server.url}${path}`)).arrayBuffer()).byteLength;
    // Larger than loopback's buffers hold for a reader that takes nothing.
    expect(whole).toBeGreaterThan(12 * 1024 * 1024);
    expect(await pausedGet(3000)).toBeLessThan(whole);
    // The headers and the whole transcript.
    expect(await pausedGet(300)).toBeGreaterThan(whole);
  }, 60_000);
});
