/**
 * A download's body must be exactly the bytes its Content-Length promised. A store whose
 * chunks went missing mid-read (the file erased or swept while it was being sent) ends its
 * stream early; passed on as it is, the response would end short of its length and the
 * client would wait for the rest, or read the next response on the connection as part of
 * this one. As an error instead, the server cuts the connection and the client sees a
 * failed download.
 */
import { Readable } from 'node:stream';

export class ShortBody extends Error {
  constructor(
    readonly expected: number,
    readonly got: number,
  ) {
    super(`The stored file gave ${got} bytes where its record says ${expected}`);
  }
}

export function exactLength(body: Readable, expected: number): Readable {
  async function* checked(): AsyncGenerator<Uint8Array> {
    let got = 0;
    for await (const chunk of body) {
      const bytes: Uint8Array = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      got += bytes.length;
      if (got > expected) throw new ShortBody(expected, got);
      yield bytes;
    }
    if (got !== expected) throw new ShortBody(expected, got);
  }
  const out = Readable.from(checked(), { objectMode: false });
  // Stopped early (the client went away): the store's stream stops reading too.
  out.once('close', () => body.destroy());
  return out;
}
