/**
 * A multipart body that ends inside its file part (the closing boundary never comes, the
 * request itself complete) is malformed: 400 ATTACHMENT_FORM at once, nothing stored. With
 * tokens the uploader is known only after an asynchronous check, by which time the parser
 * may have given up on the part already: the refusal must not wait for the upload's pace
 * watchdog (ATTACHMENT_UPLOAD_GRACE_MS) to call a finished body too slow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
});
afterAll(() => server.close());

const FILE_PART =
  '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n' +
  'Content-Type: text/plain\r\n\r\n';

describe('a body that ends inside the file part', () => {
  it.each([
    ['its bytes', 'abc'],
    ['its bytes and a line break', 'abc\r\n'],
    ['its bytes and half the closing boundary', 'abc\r\n--b'],
  ])(
    'after %s is refused at once as malformed, storing nothing',
    async (_what, tail) => {
      const id = 'cut-off-uploader';
      const token = await signToken(id, 'user');
      const started = Date.now();
      const res = await fetch(`${server.url}/api/attachments`, {
        method: 'POST',
        body: FILE_PART + tail,
        headers: {
          ...bearer(token).headers,
          'content-type': 'multipart/form-data; boundary=b',
        },
      });
      const body = (await res.json()) as { code: string; error: string };
      expect(res.status).toBe(400);
      expect(body.code).toBe('ATTACHMENT_FORM');
      expect(body.error).toMatch(/malformed/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await server.store.attachments.bytesHeldBy(id)).toBe(0);
    },
    30_000,
  );
});
