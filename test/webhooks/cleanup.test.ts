/**
 * The outbox keeps delivered events a week and failed ones a month (tunables), then one
 * node deletes them in batches while sends keep being acknowledged; pending deliveries,
 * the failed list and its retry are untouched.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openImportDatabase } from '../../src/import/open-database.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';

const DAY = 24 * 60 * 60 * 1000;
const OLD_DELIVERED = 100_000;
/** Seeds and deletes 100k rows: seconds on a machine shared by other workers. */
const HEAVY_TEST_MS = 180_000;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe.each(await storeTargets())('the webhook outbox cleanup on $name', (target) => {
  it(
    'deletes delivered rows past a week and failed ones past a month, in batches while sends are acknowledged',
    async () => {
      const db = await target.create();
      const seeded = await openImportDatabase(db.config);
      try {
        const rows = (prefix: string, count: number, status: string, at: string) => sql`
          INSERT INTO webhook_outbox (id, url, "chatId", type, body, status, attempts,
            "nextAttemptAt", "leaseUntil", "lastError", "createdAt", "deliveredAt")
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
          SELECT ${prefix} || i, 'http://127.0.0.1:9/hook', 'chat-' || (i % 500),
            'message.created', '{}', ${status}, 1, ${at}, NULL,
            ${status === 'failed' ? 'HTTP 500' : null}, ${at},
            ${status === 'delivered' ? at : null}
          FROM n`;
        await rows('old-delivered-', OLD_DELIVERED, 'delivered', ago(8 * DAY)).execute(seeded.db);
        await rows('new-delivered-', 5, 'delivered', ago(6 * DAY)).execute(seeded.db);
        await rows('old-failed-', 5, 'failed', ago(31 * DAY)).execute(seeded.db);
        await rows('new-failed-', 3, 'failed', ago(29 * DAY)).execute(seeded.db);
        // Pending for long (a receiver down, retried far ahead): never deleted here.
        await rows('old-pending-', 3, 'pending', ago(40 * DAY)).execute(seeded.db);
      } finally {
        await seeded.close();
      }
      const server = await startTestServer(db.config, {
        WEBHOOK_CLEANUP_FIRST_RUN_MS: '300',
        METRICS_TOKEN: 'cleanup-metrics-token',
      });
      try {
        const user = await connectClient(server.url);
        const userId = 'cleanup-sender';
        expect((await user.emitAck('join-user', { userId, userName: 'Sender' })).success).toBe(
          true,
        );
        const goal = OLD_DELIVERED + 5;
        const deletedSoFar = async () =>
          (await server.metrics?.webhookRowsDeleted.get())?.values[0]?.value ?? 0;
        const acks: { at: number; cleaning: boolean }[] = [];
        let deleted = 0;
        let i = 0;
        while (deleted < goal) {
          const ack = await user.emitAck('send-message', {
            userId,
            userName: 'Sender',
            content: `during the cleanup ${i++}`,
          });
          expect(ack.success).toBe(true);
          deleted = await deletedSoFar();
          acks.push({ at: performance.now(), cleaning: deleted > 0 && deleted < goal });
          if (i > 100_000) throw new Error('the cleanup never finished');
        }
        const during = acks.filter((a) => a.cleaning);
        expect(during.length).toBeGreaterThan(2);
        const gaps = during.slice(1).map((a, k) => a.at - (during[k]?.at ?? a.at));
        console.info(
          `outbox cleanup on ${target.name}: ${during.length} sends acknowledged while ${OLD_DELIVERED} delivered rows were deleted; longest ack gap ${Math.round(Math.max(0, ...gaps))} ms, median ${Math.round(gaps.sort((a, b) => a - b)[gaps.length >> 1] ?? 0)} ms`,
        );
        expect(deleted).toBe(goal);

        const ids = async (status: 'delivered' | 'failed' | 'pending') =>
          (await server.store.webhooks.list(status, 1000)).map((d) => d.id).sort();
        expect(await ids('delivered')).toEqual(
          Array.from({ length: 5 }, (_, k) => `new-delivered-${k + 1}`).sort(),
        );
        expect(await ids('failed')).toEqual(['new-failed-1', 'new-failed-2', 'new-failed-3']);
        expect(await ids('pending')).toEqual(['old-pending-1', 'old-pending-2', 'old-pending-3']);
        // The failed list and its retry still serve what is kept.
        const listed = await api(
          server,
          'GET',
          '/api/webhooks/deliveries?status=failed&adminId=cl-super&isSuperAdmin=true',
        );
        expect((listed.body.deliveries as unknown[]).length).toBe(3);
        const retried = await api(
          server,
          'POST',
          '/api/webhooks/deliveries/new-failed-1/retry?adminId=cl-super&isSuperAdmin=true',
        );
        expect(retried.status, JSON.stringify(retried.body)).toBe(200);
        const metrics = await fetch(`${server.url}/metrics`, {
          headers: { authorization: 'Bearer cleanup-metrics-token' },
        });
        expect(await metrics.text()).toMatch(
          new RegExp(`chat_webhook_outbox_deleted_total ${goal}\\b`),
        );
      } finally {
        await server.close();
        await db.drop();
      }
    },
    HEAVY_TEST_MS,
  );
});
