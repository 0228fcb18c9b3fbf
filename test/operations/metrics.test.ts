import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { api, startTestServer, testConfig } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { upload } from '../helpers/uploads.js';

const TOKEN = 'metrics-token-0123456789';
const memory = { kind: 'sqlite', path: ':memory:' } as const;

/** The value of one sample in Prometheus text format (labels as written, e.g. `{event="ping"}`). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

const scrape = async (url: string, token?: string) => {
  const res = await fetch(`${url}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('/metrics', () => {
  it('is off unless METRICS_PORT or METRICS_TOKEN is set', async () => {
    const server = await startTestServer(memory);
    try {
      expect((await api(server, 'GET', '/metrics')).status).toBe(404);
      expect(server.metrics).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('with METRICS_TOKEN: on the main port, behind the token; counts what happened', async () => {
    const server = await startTestServer(memory, {
      METRICS_TOKEN: TOKEN,
      RATE_LIMIT: 'on',
      RATE_LIMIT_MESSAGES_BURST: '3',
      RATE_LIMIT_MESSAGES_PER_SECOND: '0.01',
    });
    try {
      expect((await scrape(server.url)).status).toBe(401);
      const missing = await api(server, 'GET', '/metrics');
      expect(missing.body).toMatchObject({ success: false, code: 'MISSING_TOKEN' });
      const wrong = await api(server, 'GET', '/metrics', undefined, {
        headers: { authorization: 'Bearer not-the-metrics-token' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'INVALID_TOKEN' });

      const client = await connectClient(server.url);
      expect((await client.emitAck('join-user', { userId: 'u-m', userName: 'M' })).success).toBe(
        true,
      );
      const sends = [];
      for (let i = 0; i < 4; i++)
        sends.push(await client.emitAck('send-message', { content: `m${i}` }));
      expect(sends.map((s) => s.success)).toEqual([true, true, true, false]);
      expect(sends[3]).toMatchObject({ code: 'RATE_LIMITED' });
      client.socket.emit('no-such-event', {});
      await client.waitFor('error');

      const { status, type, text } = await scrape(server.url, TOKEN);
      expect(status).toBe(200);
      expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(text, 'chat_sockets_connected')).toBe(1);
      expect(sample(text, 'chat_socket_events_received_total', '{event="send-message"}')).toBe(4);
      expect(sample(text, 'chat_socket_events_received_total', '{event="join-user"}')).toBe(1);
      expect(sample(text, 'chat_socket_events_received_total', '{event="unknown"}')).toBe(1);
      expect(sample(text, 'chat_socket_events_received_total', '{event="ping"}')).toBe(0);
      expect(sample(text, 'chat_messages_stored_total')).toBe(3);
      expect(sample(text, 'chat_send_ack_seconds_count')).toBe(4);
      expect(sample(text, 'chat_group_commit_batch_size_count')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'chat_group_commit_batch_size_sum')).toBe(3);
      expect(sample(text, 'chat_rate_limited_total', '{limit="messages"}')).toBe(1);
      expect(sample(text, 'chat_rate_limited_total', '{limit="requests"}')).toBe(0);
      expect(sample(text, 'chat_store_errors_total')).toBe(0);
      expect(sample(text, 'chat_redis_errors_total')).toBe(0);
      expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      client.close();
    } finally {
      await server.close();
    }
  });

  it("counts the seconds uploads were held back by the node's upload budget", async () => {
    const server = await startTestServer(memory, {
      METRICS_TOKEN: TOKEN,
      ATTACHMENT_UPLOAD_BYTES_PER_SECOND: String(256 * 1024),
    });
    try {
      expect(
        sample((await scrape(server.url, TOKEN)).text, 'chat_upload_budget_wait_seconds_total'),
      ).toBe(0);
      const res = await upload(server, {
        bytes: 'a line of a statement\n'.repeat(24_000),
        name: 'statement.txt',
        type: 'text/plain',
        fields: { senderId: 'u-up' },
      });
      expect(res.status).toBe(200);
      // ~528 KB at 256 KiB/s, less the burst: ~1.9 s held, in waits of a chunk each.
      const held = sample(
        (await scrape(server.url, TOKEN)).text,
        'chat_upload_budget_wait_seconds_total',
      );
      expect(held).toBeGreaterThan(1.2);
      expect(held).toBeLessThan(3);
    } finally {
      await server.close();
    }
  });

  it('counts store operations that failed', async () => {
    const server = await startTestServer(memory, { METRICS_TOKEN: TOKEN });
    try {
      server.store.getChat = () => Promise.reject(new Error('disk on fire'));
      expect((await api(server, 'GET', '/api/messages/c1')).status).toBe(500);
      expect(sample((await scrape(server.url, TOKEN)).text, 'chat_store_errors_total')).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('with METRICS_PORT: on a port of its own, without a token, and not on the main port', async () => {
    const server = await startTestServer(memory, { METRICS_PORT: '0' });
    try {
      expect(server.metricsPort).toBeGreaterThan(0);
      const own = await scrape(`http://127.0.0.1:${server.metricsPort}`);
      expect(own.status).toBe(200);
      expect(own.text).toContain('chat_messages_stored_total');
      expect((await fetch(`http://127.0.0.1:${server.metricsPort}/health`)).status).toBe(404);
      expect((await scrape(server.url)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('with METRICS_PORT=0: the start line names the port it chose, the only place that does', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const server = await startServer(testConfig(memory, { METRICS_PORT: '0' }), {
      logger: pino({ level: 'info' }, sink),
    });
    try {
      const start = lines
        .map((line) => JSON.parse(line) as { msg: string; metricsPort?: number })
        .find((entry) => entry.msg.includes('listening on'));
      expect(server.metricsPort).toBeGreaterThan(0);
      expect(start?.metricsPort).toBe(server.metricsPort);
      expect(start?.msg).toContain(`· metrics http://127.0.0.1:${server.metricsPort}/metrics`);
    } finally {
      await server.close();
    }
  });
});
