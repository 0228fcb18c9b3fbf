import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { receiptText } from '../helpers/paced-upload.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

const KiB = 1024;
const B = 'probeB';
function raw(port: number, body: Buffer): Promise<{ text: string; ms: number }> {
  return new Promise((resolve) => {
    const at = Date.now();
    const s = connect(port, '127.0.0.1');
    s.write(
      `POST /api/attachments HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=${B}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    s.write(body);
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.on('error', () => {});
    s.on('close', () => resolve({ text: Buffer.concat(got).toString().slice(0, 300), ms: Date.now() - at }));
  });
}
const field = (n: string, v: string) => `--${B}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
const filePart = (bytes: Buffer, extra = '') =>
  Buffer.concat([
    Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n${extra}Content-Type: text/plain\r\n\r\n`),
    bytes,
    Buffer.from('\r\n'),
  ]);

describe('probe', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  const world = useWorld(sqlite, { ATTACHMENT_UPLOAD_BYTES_PER_SECOND: String(128 * KiB) });
  const port = () => Number(new URL(world.server().url).port);

  it('edges while held', async () => {
    const user = await world.user();
    const big = receiptText(300 * KiB);
    const cases: Record<string, Buffer> = {
      secondFile: Buffer.concat([Buffer.from(field('senderId', user.id)), filePart(big), filePart(big), Buffer.from(`--${B}--\r\n`)]),
      fieldAfter: Buffer.concat([Buffer.from(field('senderId', user.id)), filePart(big), Buffer.from(field('chatId', 'nope')), Buffer.from(`--${B}--\r\n`)]),
      hugeHeaderSecond: Buffer.concat([Buffer.from(field('senderId', user.id)), filePart(big), Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="x"\r\nX-Big: ${'a'.repeat(200 * KiB)}\r\n\r\nv\r\n`), Buffer.from(`--${B}--\r\n`)]),
      manyHeaders: Buffer.concat([Buffer.from(field('senderId', user.id)), filePart(big, Array.from({length: 3000}, (_, i) => `X-H${i}: v\r\n`).join('')), Buffer.from(`--${B}--\r\n`)]),
      noEnd: Buffer.concat([Buffer.from(field('senderId', user.id)), filePart(big)]),
      garbageAfter: Buffer.concat([Buffer.from(field('senderId', user.id)), filePart(big), Buffer.from('garbage garbage')]),
    };
    for (const [name, body] of Object.entries(cases)) {
      const r = await raw(port(), body);
      console.log(name, r.ms, JSON.stringify(r.text.split('\r\n')[0]), r.text.slice(r.text.indexOf('{')));
    }
    expect(true).toBe(true);
  }, 120_000);
});
