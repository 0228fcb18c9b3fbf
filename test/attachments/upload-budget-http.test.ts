/**
 * The node's upload byte budget over HTTP: the node's uploads together are read at its
 * rate (the clients are not slowed by anything else on loopback), uploads take turns, a
 * throttled upload is stored whole, and the pace rules forgive the time the node held an
 * upload back but still cut a trickle and a stall. Bounds are loose: the machine is shared.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { pacedUpload, receiptText } from '../helpers/paced-upload.js';
import { storeTargets } from '../helpers/stores.js';
import { upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const KiB = 1024;
const BUDGET = 512 * KiB;
const ENV = {
  ATTACHMENT_UPLOAD_BYTES_PER_SECOND: String(BUDGET),
  ATTACHMENT_UPLOAD_IDLE_MS: '1500',
  ATTACHMENT_UPLOAD_GRACE_MS: '2000',
  // Above the share of the budget each of four uploads at once gets (128 KiB/s), and below
  // twice it: a wait is forgiven up to its chunk's time at this rate (upload-budget.ts).
  ATTACHMENT_UPLOAD_MIN_RATE: String(192 * KiB),
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the upload budget (SQLite)', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  const world = useWorld(sqlite, ENV);
  const port = () => Number(new URL(world.server().url).port);
  const send = async (userId: string, bytes: Buffer) => {
    const res = await upload(world.server(), {
      bytes,
      name: 'statement.txt',
      type: 'text/plain',
      fields: { senderId: userId },
    });
    return { res, doneAt: Date.now() };
  };

  it('one fast client is read at the budget, and its file is stored whole', async () => {
    const user = await world.user();
    const file = receiptText(1536 * KiB);
    const started = Date.now();
    const { res, doneAt } = await send(user.id, file);
    expect(uploaded(res).sha256).toBe(sha256(file));
    // 1.5 MiB at 512 KiB/s, less the burst: ~2.9 s.
    expect(doneAt - started).toBeGreaterThan(2200);
    expect(doneAt - started).toBeLessThan(15_000);
  }, 30_000);

  it("four at once share it: each gets a quarter, below the minimum rate, and none is refused for the node's holding back", async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => world.user()));
    const files = users.map((_, i) => receiptText(384 * KiB + i));
    const started = Date.now();
    const sent = await Promise.all(users.map((u, i) => send(u.id, files[i] ?? Buffer.alloc(0))));
    sent.forEach(({ res }, i) => {
      expect(uploaded(res).sha256).toBe(sha256(files[i] ?? Buffer.alloc(0)));
    });
    // Together 1.5 MiB: the budget is the node's, not each upload's.
    const last = Math.max(...sent.map((s) => s.doneAt));
    expect(last - started).toBeGreaterThan(2200);
    expect(last - started).toBeLessThan(15_000);
  }, 30_000);

  it('uploads take turns: a small one started behind a large one ends long before it', async () => {
    const [big, small] = [await world.user(), await world.user()];
    const large = send(big.id, receiptText(1024 * KiB));
    await new Promise((r) => setTimeout(r, 200));
    const { res, doneAt: smallAt } = await send(small.id, receiptText(128 * KiB));
    expect(res.status).toBe(200);
    const { res: bigRes, doneAt: bigAt } = await large;
    expect(bigRes.status).toBe(200);
    // Alone the large one would need ~2 s; the small one's 128 KiB at half the budget ~0.5 s.
    expect(bigAt - smallAt).toBeGreaterThan(500);
  }, 30_000);

  it('a trickle beside a fast upload is still cut after the grace period, and a stall after the idle wait', async () => {
    const [fast, trickler, staller] = [await world.user(), await world.user(), await world.user()];
    const busy = send(fast.id, receiptText(1024 * KiB));
    const [trickle, stall] = await Promise.all([
      pacedUpload(port(), trickler.id, receiptText(1000), { chunk: 1, everyMs: 300 }),
      pacedUpload(port(), staller.id, receiptText(512 * KiB), {
        chunk: 16 * KiB,
        everyMs: 10,
        stallAfter: 64 * KiB,
      }),
    ]);
    expect(trickle.status).toBe(408);
    expect(trickle.body.error).toMatch(/bytes\/s on average, below 196608/);
    expect(trickle.openMs).toBeLessThan(8000);
    expect(stall.status, JSON.stringify(stall.body)).toBe(408);
    expect(stall.body.error).toMatch(/No part of the upload arrived for 1\.5 s/);
    expect(stall.openMs).toBeLessThan(8000);
    expect((await busy).res.status).toBe(200);
    for (const u of [trickler, staller]) {
      expect(await world.server().store.attachments.bytesHeldBy(u.id)).toBe(0);
    }
  }, 30_000);

  it("a trickle that keeps a byte waiting for each of its turns is still cut: the node's turns do not hide it", async () => {
    const [fast, trickler] = [await world.user(), await world.user()];
    // ~8 s of the budget: every turn of the trickle waits behind one of its chunks.
    const busy = send(fast.id, receiptText(4096 * KiB));
    await new Promise((r) => setTimeout(r, 300));
    const trickle = await pacedUpload(port(), trickler.id, receiptText(1000), {
      chunk: 1,
      everyMs: 40,
    });
    expect(trickle.status).toBe(408);
    expect(trickle.body.error).toMatch(/bytes\/s on average, below 196608/);
    // The grace period and a check or two, not as long as the fast upload lasts.
    expect(trickle.openMs).toBeLessThan(5000);
    expect((await busy).res.status).toBe(200);
  }, 30_000);

  it('a client whose bytes come in small reads gets its share beside one whose come in large ones', async () => {
    const [fast, small] = [await world.user(), await world.user()];
    const busy = send(fast.id, receiptText(2048 * KiB));
    await new Promise((r) => setTimeout(r, 300));
    // ~500 KiB/s in 1 KiB writes: what a phone's connection hands the node a read at a time.
    const sent = await pacedUpload(port(), small.id, receiptText(384 * KiB), {
      chunk: KiB,
      everyMs: 2,
    });
    const smallAt = Date.now();
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    // At half the budget it ends ~2 s before the large one; at one read a turn, after it.
    const { res, doneAt } = await busy;
    expect(res.status).toBe(200);
    expect(doneAt - smallAt).toBeGreaterThan(500);
  }, 60_000);

  it('a wall clock set back a minute does not stop the budget refilling', async () => {
    const user = await world.user();
    expect((await send(user.id, receiptText(256 * KiB))).res.status).toBe(200);
    vi.setSystemTime(Date.now() - 60_000);
    try {
      const file = receiptText(1024 * KiB);
      const started = performance.now();
      const { res } = await send(user.id, file);
      expect(res.status, JSON.stringify(res)).toBe(200);
      // ~1.8 s at the budget's rate; a budget waiting for the clock to catch up, far longer.
      expect(performance.now() - started).toBeLessThan(6000);
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);

  it('an upload its client abandons while the budget holds it back leaves nothing stored', async () => {
    const user = await world.user();
    const cut = await pacedUpload(port(), user.id, receiptText(1024 * KiB), {
      chunk: 64 * KiB,
      everyMs: 5,
      cutAfter: 768 * KiB,
    });
    expect(cut.status).toBe(0);
    // Long enough for the held upload to notice, or for its pace to cut it.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await world.server().store.attachments.bytesHeldBy(user.id)).toBe(0);
    const after = await send(user.id, receiptText(16 * KiB));
    expect(after.res.status).toBe(200);
    expect(await world.server().store.attachments.bytesHeldBy(user.id)).toBe(16 * KiB);
  }, 30_000);
});
