/**
 * What the page client (web/shared/client.ts) makes of a refused REST call: the server's
 * failure envelope gives its catalogue code; anything else that answers (a proxy's JSON,
 * which may carry a `code` of its own) gives HTTP_<status>, never a code the server's
 * catalogue does not have.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ChatClient, createChatClient } from '../../web/shared/client.js';

describe('a refused REST call', () => {
  let server: Server;
  let client: ChatClient;

  beforeAll(async () => {
    // The chat server's envelope for one route; a gateway's own JSON for every other.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/chats/waiting')) {
        res
          .writeHead(403)
          .end(
            JSON.stringify({ success: false, error: 'Only admins may do this', code: 'FORBIDDEN' }),
          );
      } else {
        res.writeHead(502).end(JSON.stringify({ code: 'UPSTREAM_DOWN', error: 'Bad gateway' }));
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    client = createChatClient({
      baseUrl: `http://127.0.0.1:${port}`,
      authMode: 'none',
      identity: { id: 'a1', name: 'Ann', role: 'admin' },
      transports: ['polling'],
    });
  });

  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const refusal = (call: Promise<unknown>): Promise<ApiError> =>
    call.then(
      () => {
        throw new Error('the call succeeded');
      },
      (err: unknown) => {
        if (err instanceof ApiError) return err;
        throw err;
      },
    );

  it("carries the server's code and message from its failure envelope", async () => {
    const err = await refusal(client.request('GET /api/chats/waiting', { query: {} }));
    expect({ status: err.status, code: err.code, message: err.message }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: 'Only admins may do this',
    });
  });

  it('names the status, not the answer’s own code, when something else answers', async () => {
    const err = await refusal(client.request('GET /api/agents', { query: {} }));
    expect({ status: err.status, code: err.code, message: err.message }).toEqual({
      status: 502,
      code: 'HTTP_502',
      message: 'Bad gateway',
    });
  });
});
