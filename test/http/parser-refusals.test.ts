/**
 * Requests Node's HTTP parser refuses before any route sees them (raw non-ASCII bytes in
 * the path, headers past the limit) are answered in the same failure envelope as every
 * other refusal, with a code from the catalogue, and the connection is closed. An Expect
 * Node cannot meet goes through the routes' hooks instead (expectations.test.ts).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
});
afterAll(() => server?.close());

/** Writes `request` as it is and resolves with everything the server sent before closing. */
function exchange(request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('error', () => {}); // a reset after the answer is a close too
    socket.on('close', () => resolve(answer));
    setTimeout(() => reject(new Error(`no close; got: ${answer}`)), 10_000).unref();
  });
}

const parts = (answer: string) => {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], body: JSON.parse(body) as unknown };
};

describe('requests the HTTP parser refuses', () => {
  it('raw non-ASCII letters in the path: 400 MALFORMED_REQUEST in the failure envelope', async () => {
    const answer = await exchange(
      Buffer.from('GET /api/messages/чат HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8'),
    );
    expect(parts(answer)).toEqual({
      statusLine: 'HTTP/1.1 400 Bad Request',
      body: { success: false, code: 'MALFORMED_REQUEST', error: 'The request is not valid HTTP' },
    });
  });

  it('headers past the limit: 431 HEADERS_TOO_LARGE in the failure envelope', async () => {
    const answer = await exchange(
      Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(parts(answer)).toEqual({
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      body: {
        success: false,
        code: 'HEADERS_TOO_LARGE',
        error: 'The request headers are too large',
      },
    });
  });
});
