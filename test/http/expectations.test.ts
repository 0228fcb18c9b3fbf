/**
 * The `Expect` header on a real connection. `100-continue`: what the server can refuse
 * from the headers (no or a bad token, the wrong media type, a declared length over the
 * limit) is answered with the refusal alone, the body never invited; a request it takes
 * is told `100 Continue` and then answered. Any other expectation: 417 in the failure
 * envelope with the headers every other refusal carries, and the connection closed.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, JWT_ENV);
});
afterAll(() => server?.close());

interface Exchange {
  /** The server said `100 Continue` before its answer (and the body was then sent). */
  continued: boolean;
  statusLine: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Sends `head` and holds `body` back until the server says `100 Continue`, as curl does;
 * resolves with the final answer once it is whole.
 */
function exchange(head: string, body: Buffer): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(head));
    let received = Buffer.alloc(0);
    let continued = false;
    const settle = () => {
      const text = received.toString('latin1');
      if (!continued && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        continued = true;
        received = received.subarray('HTTP/1.1 100 Continue\r\n\r\n'.length);
        socket.write(body);
        return settle();
      }
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      const rest = received.subarray(end + 4);
      if (rest.length < Number(headers['content-length'])) return;
      socket.destroy();
      resolve({ continued, statusLine, headers, body: JSON.parse(rest.toString()) });
    };
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      settle();
    });
    socket.on('error', reject);
    setTimeout(
      () => reject(new Error(`no answer; got: ${received.toString('latin1')}`)),
      10_000,
    ).unref();
  });
}

const BOUNDARY = 'xBOUNDARYx';
/** A form with a chat id and a 2 KB text file: over the 1 KB from which curl expects. */
function form(chatId: string): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="chatId"\r\n\r\n${chatId}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="statement.txt"\r\n` +
      `Content-Type: text/plain\r\n\r\n${'statement '.repeat(200)}\r\n--${BOUNDARY}--\r\n`,
  );
}

function uploadHead(body: Buffer, headers: Record<string, string>): string {
  const all = {
    Host: 'x',
    'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
    'Content-Length': String(body.length),
    Expect: '100-continue',
    ...headers,
  };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`);
  return `POST /api/attachments HTTP/1.1\r\n${lines.join('')}\r\n`;
}

describe('Expect: 100-continue on an upload', () => {
  let chat: Chat;
  let token: string;
  beforeAll(async () => {
    token = await signToken('user-continue', 'user');
    const opened = await api(
      server,
      'POST',
      '/api/chats',
      { userId: 'user-continue', userName: 'U' },
      bearer(token),
    );
    chat = opened.body.chat as Chat;
  });

  /** The headers of a refused upload, given the valid token's Authorization header. */
  type Headers = (valid: string) => Record<string, string>;
  it.each<[string, Headers, string, string]>([
    ['no token', () => ({}), 'HTTP/1.1 401 Unauthorized', 'MISSING_TOKEN'],
    [
      'a bad token',
      () => ({ Authorization: 'Bearer not-a-token' }),
      'HTTP/1.1 401 Unauthorized',
      'INVALID_TOKEN',
    ],
    [
      'a body that is no form',
      (valid) => ({ Authorization: valid, 'Content-Type': 'text/plain' }),
      'HTTP/1.1 415 Unsupported Media Type',
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a JSON body',
      (valid) => ({ Authorization: valid, 'Content-Type': 'application/json' }),
      'HTTP/1.1 400 Bad Request',
      'ATTACHMENT_FORM',
    ],
    [
      'a declared length far over the limit',
      (valid) => ({ Authorization: valid, 'Content-Length': String(64 * 1024 * 1024) }),
      'HTTP/1.1 413 Payload Too Large',
      'ATTACHMENT_TOO_LARGE',
    ],
  ])(
    '%s: the refusal comes alone, the body never invited',
    async (_case, headers, statusLine, code) => {
      const body = form(chat._id);
      const answer = await exchange(uploadHead(body, headers(`Bearer ${token}`)), body);
      expect(answer).toMatchObject({
        continued: false,
        statusLine,
        body: { success: false, code },
      });
      expect(answer.headers.connection).toBe('close');
    },
  );

  it('a valid token: 100 Continue, then the file is read and stored', async () => {
    const body = form(chat._id);
    const answer = await exchange(uploadHead(body, { Authorization: `Bearer ${token}` }), body);
    expect(answer).toMatchObject({
      continued: true,
      statusLine: 'HTTP/1.1 200 OK',
      body: { success: true, attachment: { name: 'statement.txt', size: 2000 } },
    });
  });
});

describe('Expect: 100-continue on a JSON route', () => {
  it('the wrong media type is refused without inviting the body', async () => {
    const body = Buffer.from('hello');
    const head =
      'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n' +
      `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`;
    expect(await exchange(head, body)).toMatchObject({
      continued: false,
      statusLine: 'HTTP/1.1 415 Unsupported Media Type',
      body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
  });
});

describe('an Expect other than 100-continue', () => {
  it('417 EXPECTATION_FAILED in the failure envelope, naming it, with the headers of every refusal', async () => {
    const answer = await exchange(
      'POST /api/messages HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      Buffer.alloc(0),
    );
    expect(answer).toMatchObject({
      continued: false,
      statusLine: 'HTTP/1.1 417 Expectation Failed',
      body: {
        success: false,
        code: 'EXPECTATION_FAILED',
        error: 'Expect: only 100-continue is understood, not "bogus"',
      },
    });
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'access-control-allow-origin': '*',
      connection: 'close',
    });
    expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(answer.headers['strict-transport-security']).toMatch(/max-age=/);
  });
});

describe('Expect: 100-continue on a request without a body', () => {
  /** Writes `requests` at once; resolves with every status line answered within a second. */
  function pipelined(requests: string): Promise<{ statusLines: string[]; closed: boolean }> {
    return new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(requests));
      let received = '';
      let closed = false;
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
      });
      socket.on('close', () => {
        closed = true;
      });
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        const statusLines = received.match(/HTTP\/1\.1 [2-5]\d\d [^\r]*/g) ?? [];
        resolve({ statusLines, closed });
      }, 1000);
    });
  }

  it('answered, and the connection kept for the requests pipelined after it', async () => {
    const get = 'GET /health HTTP/1.1\r\nHost: x\r\n';
    const answer = await pipelined(`${get}Expect: 100-continue\r\n\r\n${get}\r\n`);
    expect(answer).toEqual({ statusLines: ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'], closed: false });
  });
});
