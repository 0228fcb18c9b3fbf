/**
 * An upload whose Content-Length says it is far over ATTACHMENT_MAX_BYTES (more than the
 * file limit plus what a form holds besides its file, attachmentFormBytes) is answered 413
 * from its headers, before any of its body is sent; one within that bound is read, and
 * refused only when its file passes the limit.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TUNABLES } from '../../src/tunables.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

const [sqlite] = await storeTargets();
if (!sqlite) throw new Error('no SQLite target');

/** Headers only: the answer the server gives before a byte of the body, or none within `ms`. */
function headersOnly(url: string, contentLength: number, ms: number) {
  return new Promise<{ status: number; body: string; connection: string | undefined } | 'none'>(
    (resolve, reject) => {
      const req = httpRequest(`${url}/api/attachments`, {
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=xBOUNDARYx',
          'content-length': String(contentLength),
        },
      });
      const none = setTimeout(() => {
        req.destroy();
        resolve('none');
      }, ms);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => {
          clearTimeout(none);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection });
        });
      });
      req.on('error', (err) => {
        clearTimeout(none);
        reject(err);
      });
      req.flushHeaders();
    },
  );
}

describe('an upload declared far over the limit', () => {
  const maxBytes = 300 * 1024;
  const world = useWorld(sqlite, { ATTACHMENT_MAX_BYTES: String(maxBytes) });

  it('is answered 413 from its Content-Length before its body is sent, and its connection closes', async () => {
    const answer = await headersOnly(world.server().url, 64 * 1024 * 1024, 3000);
    expect(answer).not.toBe('none');
    if (answer === 'none') return;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({
      success: false,
      code: 'ATTACHMENT_TOO_LARGE',
    });
    expect(answer.connection).toBe('close');
  });

  it('reaches a fetch client still sending its body as the 413, not a network error', async () => {
    const body = new FormData();
    body.set('senderId', 'dl-user');
    body.set('file', new Blob([Buffer.alloc(4 * 1024 * 1024, 0x41)]), 'big.txt');
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${world.server().url}/api/attachments`, { method: 'POST', body });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('ATTACHMENT_TOO_LARGE');
    }
  });

  it('is not refused from its headers while the length is within the limit and the form allowance', async () => {
    const within = maxBytes + TUNABLES.attachmentFormBytes.value;
    expect(await headersOnly(world.server().url, within, 500)).toBe('none');
    const over = await headersOnly(world.server().url, within + 1, 3000);
    expect(over !== 'none' && over.status).toBe(413);
  });
});
