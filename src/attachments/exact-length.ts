/**
 * A download's body must be exactly the bytes its Content-Length promised. A store whose
 * chunks went missing mid-read (the file erased or swept while it was being sent) ends its
 * stream early; passed on as it is, the response would end short of its length and the
 * client would wait for the rest, or read the next response on the connection as part of
 * this one. As an error instead, the server cuts the connection and the client sees a
 * failed download.
 */
import { pipeline, type Readable, Transform } from 'node:stream';

export class ShortBody extends Error {
  constructor(
    readonly expected: number,
    readonly got: number,
  ) {
    super(`The stored file gave ${got} bytes where its record says ${expected}`);
  }
}

/**
 * A transform in a pipeline, not a generator over the store's stream: a body stopped early
 * (the client went away) destroys the store's stream at once. A generator waiting on the
 * store's next chunk cannot be stopped until that chunk comes, so a stalled object store
 * would hold the body and its connection to the store for as long as it stalled.
 */
export function exactLength(body: Readable, expected: number): Readable {
  let got = 0;
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      got += chunk.length;
      done(got > expected ? new ShortBody(expected, got) : null, chunk);
    },
    flush(done) {
      done(got === expected ? null : new ShortBody(expected, got));
    },
  });
  // The error reaches the reply through `checked`, which the pipeline destroys with it.
  return pipeline(body, checked, () => {});
}
