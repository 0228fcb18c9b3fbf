/**
 * A download whose client stops reading is cut once nothing could be sent to it for
 * DOWNLOAD_IDLE_MS: without a bound, every such connection held its socket and
 * its stream of the file for as long as the client kept it open. One that reads, however
 * slowly, is not cut. The bound is made small through the configuration.
 */
import { describe, expect, it } from 'vitest';
import { receiptText as text } from '../helpers/paced-upload.js';
import { pausedGet } from '../helpers/paused-get.js';
import { storeTargets } from '../helpers/stores.js';
import { upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

describe('downloads whose client stops reading (SQLite)', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  const world = useWorld(sqlite, { DOWNLOAD_IDLE_MS: '1000' });

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
    expect(await pausedGet(world.server().url, att.url, 3000)).toBeLessThan(file.length);
    // Headers and the whole file.
    expect(await pausedGet(world.server().url, att.url, 300)).toBeGreaterThan(file.length);
  }, 30_000);
});
