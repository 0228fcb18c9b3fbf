/**
 * The one-node-at-a-time job the retention purge and the outbox cleanup share, on each
 * store's real leases table.
 */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { startLeasedJob } from '../../src/leases/leased-job.js';
import { openStore } from '../../src/store/open.js';
import { storeTargets } from '../helpers/stores.js';

const silent = pino({ level: 'silent' });
const LEASE = 'test-job';
const options = (holder: string, retryMs = 50) => ({
  lease: LEASE,
  holder,
  leaseMs: 60_000,
  everyMs: 3_600_000,
  firstRunMs: 0,
  retryMs,
  failure: 'test job failed',
});

describe.each(await storeTargets())('a leased job on $name', (target) => {
  it('runs on one node only, and on the other once the first stops and gives the lease up', async () => {
    const db = await target.create();
    const store = await openStore(db.config);
    try {
      const ran: string[] = [];
      let finishFirst = () => {};
      const firstHolds = new Promise<void>((resolve) => {
        finishFirst = resolve;
      });
      const first = startLeasedJob(store.attachments, options('node-a'), silent, async () => {
        ran.push('node-a');
        await firstHolds;
      });
      await vi.waitFor(() => expect(ran).toEqual(['node-a']));
      const second = startLeasedJob(store.attachments, options('node-b'), silent, async () => {
        ran.push('node-b');
      });
      // node-b finds the lease held and keeps retrying; it never runs beside node-a.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ran).toEqual(['node-a']);
      const stopping = first.stop();
      finishFirst();
      await stopping;
      await vi.waitFor(() => expect(ran).toEqual(['node-a', 'node-b']));
      await second.stop();
      expect(await store.attachments.takeLease(LEASE, 'node-c', 60_000)).toBe(true);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('tells the running work the lease is no longer held once its node is stopping', async () => {
    const db = await target.create();
    const store = await openStore(db.config);
    try {
      const answers: boolean[] = [];
      let proceed = () => {};
      const stopAsked = new Promise<void>((resolve) => {
        proceed = resolve;
      });
      let started = false;
      const job = startLeasedJob(
        store.attachments,
        options('node-a'),
        silent,
        async (stillHeld) => {
          started = true;
          answers.push(await stillHeld());
          await stopAsked;
          answers.push(await stillHeld());
        },
      );
      await vi.waitFor(() => expect(started).toBe(true));
      const stopping = job.stop();
      proceed();
      await stopping;
      expect(answers).toEqual([true, false]);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('a failing round is logged, and the job keeps its schedule and gives the lease up on stop', async () => {
    const db = await target.create();
    const store = await openStore(db.config);
    try {
      const warned: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => warned.push(line) });
      let rounds = 0;
      const job = startLeasedJob(store.attachments, options('node-a'), logger, async () => {
        rounds++;
        throw new Error('boom');
      });
      await vi.waitFor(() => expect(warned.some((l) => l.includes('test job failed'))).toBe(true));
      await job.stop();
      expect(rounds).toBe(1);
      expect(await store.attachments.takeLease(LEASE, 'node-b', 60_000)).toBe(true);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
