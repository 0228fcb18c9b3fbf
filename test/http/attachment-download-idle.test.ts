/**
 * A download whose client stops reading is cut once nothing could be sent to it for
 * DOWNLOAD_IDLE_MS: without a bound, every such connection held its socket and
 * its stream of the file for as long as the client kept it open. One that reads, however
 * slowly, is not cut. The bound is made small through the configuration.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { receiptText as text } from '../helpers/paced-upload.js';
import { storeTargets } from '../helpers/stores.js';
import { upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

describe('downloads whose client stops reading (SQLite)', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  const world = useWorld(sqlite, { DOWNLOAD_IDLE_MS: '1000' });

  /**
   * GETs `path` and reads nothing for `pauseMs`, then reads to the end: what arrived. A
   * paused socket hears no close until it reads what came before it.
   */
  const pausedDownload = (path: string, pauseMs: number) =>
    new Promise<number>((resolve) => {
      let received = 0;
      const { port } = new URL(world.server().url);
      // Paused from the start: the kernel's buffers take far less than the 10 MiB file.
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

  it('a client that stops reading for longer than the idle bound is cut; a shorter pause is not', async () => {
    const user = await world.user();
    const file = text(10 * 1024 * 1024);
    const att = uploaded(
      await upload(world.server(), {
        bytes: file,
        name: 'statement.txt',
        fields: { senderId: user.id, senderType: 'user', senderName: user.name },
      }),
    );
    expect(await pausedDownload(att.url, 3000)).toBeLessThan(file.length);
    // Headers and the whole file.
    expect(await pausedDownload(att.url, 300)).toBeGreaterThan(file.length);
  }, 30_000);
});
