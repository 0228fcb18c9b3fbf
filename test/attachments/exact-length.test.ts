/**
 * A download's body held to its stored size (src/attachments/exact-length.ts): the bytes
 * pass as they are when there are exactly as many as promised, too few or too many fail the
 * body, and a body stopped early (the client went away) stops the store's stream at once,
 * even while the store is slow to give its next chunk.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exactLength, ShortBody } from '../../src/attachments/exact-length.js';

const drain = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
};

describe('a download held to its stored size', () => {
  it('passes exactly the promised bytes through', async () => {
    const body = exactLength(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 5);
    expect((await drain(body)).toString()).toBe('abcde');
  });

  it.each([
    ['short of', 6],
    ['beyond', 4],
  ])('fails a body that ends %s its size', async (_, expected) => {
    const body = exactLength(Readable.from([Buffer.from('abc'), Buffer.from('de')]), expected);
    await expect(drain(body)).rejects.toBeInstanceOf(ShortBody);
  });

  it("destroys the store's stream as soon as the body is, while the store is waiting", async () => {
    // A store's stream that gave one chunk and waits on the next (a slow object store).
    const stored = new Readable({ read() {} });
    stored.push(Buffer.from('first'));
    const body = exactLength(stored, 1000);
    const first = await new Promise<Buffer>((resolve) => body.once('data', resolve));
    expect(first.toString()).toBe('first');
    body.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(stored.destroyed).toBe(true);
    expect(body.closed).toBe(true);
  });
});
