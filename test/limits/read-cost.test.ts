/**
 * One identity reading as fast as its budget allows (deep pages of a 300k-message chat,
 * cursors, chat lists over 20,000 chats) must not slow everyone else's messages: others'
 * send-ack p99 while it reads stays within twice the p99 while nobody reads. Each read
 * costs a bounded, small amount of event-loop time, and the reads' own budget bounds what
 * they cost together (by their replies' length, one read of an identity at a time). On
 * PostgreSQL, 200-chat lists counted as one read each (ten admitted at once at each
 * window's start) moved others' p99 from 5-7 ms to 24-122 ms; charged by length (2 points
 * each) and taking turns, five a window, they were within 2x here too.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../src/limits/rate-limiter.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { seedLongChat, seedManyChats } from '../helpers/bulk-seed.js';
import { sleep } from '../helpers/processes.js';
import type { ReadLoopCommand, ReadLoopCounts, ReadLoopStart } from '../helpers/read-loop.js';
import { testConfig } from '../helpers/server.js';
import { connectClient, joinAs, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';

const HISTORY = 300_000;
const CHATS = 20_000;
const PAGE = 200;

/** Others: each sends one message every SEND_INTERVAL_MS (8/s, under the 10/s budget). */
const SENDERS = 16;
const SEND_INTERVAL_MS = 125;
/** Concurrent request loops of the reading identity, each waiting out Retry-After. */
const READ_LOOPS = 20;
/** Baseline and loaded phases alternate, so a neighbour's load spike hits both alike. */
const PHASE_MS = 1000;
const ROUNDS = 5;
/** A measurement the machine's neighbours spoiled is taken again, at most this often. */
const ATTEMPTS = 3;
/**
 * Below this, a p99 is the machine's noise, not the server's: on a shared 2-core machine
 * a process descheduled for one time slice (4-10 ms) or a GC pause puts 1% of acks
 * there while nobody reads. The failure this guards against is ~250-570 ms.
 */
const P99_FLOOR_MS = 15;

const p99 = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
};

/** Senders that each send, wait for the ack, and record its latency into `sink`. */
function startSending(senders: TestClient[], sink: { samples: number[] }): () => Promise<void> {
  const state = { running: true };
  const loops = senders.map(async (client, i) => {
    await sleep((i * SEND_INTERVAL_MS) / senders.length); // spread over the interval
    let n = 0;
    while (state.running) {
      const started = performance.now();
      const ack = await client.emitAck('send-message', { content: `m ${i} ${n++}` });
      const ms = performance.now() - started;
      if (ack.success !== true) throw new Error(`send failed: ${JSON.stringify(ack)}`);
      sink.samples.push(ms);
      await sleep(Math.max(0, SEND_INTERVAL_MS - ms));
    }
  });
  return async () => {
    state.running = false;
    await Promise.all(loops);
  };
}

/** The reading client, in a process of its own (test/helpers/read-loop.ts). */
function forkReader(): ChildProcess {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  return fork(join(root, 'test/helpers/read-loop.ts'), [], { execArgv: ['--import', tsx] });
}

async function stopReading(reader: ChildProcess): Promise<ReadLoopCounts> {
  const answer = once(reader, 'message');
  reader.send({ kind: 'stop' } satisfies ReadLoopCommand);
  const [counts] = (await answer) as [ReadLoopCounts];
  if (counts.failure) throw new Error(`a read failed: ${counts.failure}`);
  return counts;
}

interface Comparison {
  baseline: number;
  loaded: number;
  served: number;
  /** What the served reads cost the budget. */
  points: number;
  seconds: number;
}

async function compare(
  reader: ChildProcess,
  senders: TestClient[],
  start: Omit<ReadLoopStart, 'kind' | 'loops'>,
): Promise<Comparison> {
  const baseline: { samples: number[] } = { samples: [] };
  const loaded: { samples: number[] } = { samples: [] };
  let served = 0;
  let points = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let stop = startSending(senders, baseline);
    await sleep(PHASE_MS);
    await stop();
    reader.send({ kind: 'start', loops: READ_LOOPS, ...start } satisfies ReadLoopCommand);
    stop = startSending(senders, loaded);
    await sleep(PHASE_MS);
    await stop();
    const counts = await stopReading(reader);
    served += counts.served;
    points += counts.points;
  }
  return {
    baseline: p99(baseline.samples),
    loaded: p99(loaded.samples),
    served,
    points,
    seconds: (ROUNDS * PHASE_MS) / 1000,
  };
}

const within = (c: Comparison): boolean => c.loaded <= 2 * Math.max(c.baseline, P99_FLOOR_MS);

const targets = await storeTargets();

describe.each(targets)('reads at their budget on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  let chatId: string;
  let reader: ChildProcess;
  const senders: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    // The schema first (the seeds write into it), then the data, then the server.
    await (await startServer(testConfig(db.config), { logger: pino({ level: 'silent' }) })).close();
    ({ chatId } = await seedLongChat(db.config, 'reader', HISTORY));
    await seedManyChats(db.config, CHATS, { adminId: 'holder', hoarderId: 'hoarder' });
    // Replies are not checked against their schemas here (a test server's default): that
    // costs more than the reads themselves, and no production server does it.
    server = await startServer(testConfig(db.config, { ...JWT_ENV, RATE_LIMIT: 'on' }), {
      logger: pino({ level: 'silent' }),
    });
    reader = forkReader();
    for (let i = 0; i < SENDERS; i++) {
      const id = `sender-${i}`;
      const client = await connectClient(server.url, {
        auth: { token: await signToken(id, 'user') },
      });
      senders.push(client);
      await joinAs(client, id, { role: 'user' });
    }
  }, 60_000);

  afterAll(async () => {
    reader?.disconnect();
    for (const s of senders) s.close();
    await server?.close();
    await db?.drop();
  });

  const random = (n: number): number => 1 + Math.floor(Math.random() * n);
  const scenarios: {
    name: string;
    who: () => Promise<string>;
    paths: () => string[];
  }[] = [
    {
      name: 'deep v2 pages and cursors of a 300k-message chat',
      who: () => signToken('reader', 'user'),
      paths: () =>
        Array.from({ length: 3000 }, (_, n) => {
          const path = `/api/messages/${chatId}`;
          if (n % 3 === 0) return `${path}?page=${random(HISTORY / PAGE)}&limit=${PAGE}`;
          return `${path}?${n % 3 === 1 ? 'before' : 'after'}=${random(HISTORY)}&limit=${PAGE}`;
        }),
    },
    {
      name: "a user's list of 6,667 chats",
      who: () => signToken('hoarder', 'user'),
      paths: () => ['/api/chats/user/hoarder'],
    },
    {
      name: 'the waiting queue, an admin’s chats and all chats, of 20,000',
      who: () => signToken('boss', 'superadmin'),
      paths: () => [
        '/api/chats/waiting',
        '/api/chats/admin/holder',
        '/api/chats/all',
        '/api/chats/all?status=closed',
      ],
    },
  ];

  it.each(scenarios)(
    "$name: others' send-ack p99 stays within 2x",
    async ({ who, paths }) => {
      const token = await who();
      const results: Comparison[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const result = await compare(reader, senders, { url: server.url, token, paths: paths() });
        results.push(result);
        if (within(result)) break;
      }
      console.log(`${target.name}: ${JSON.stringify(results)}`);
      const last = results[results.length - 1] as Comparison;
      expect(within(last), JSON.stringify(results)).toBe(true);
      // The reads ran, at about their budget in points (a read costs its reply's length:
      // a 200-chat list 2 points), burst and refill; a read that is slow to answer
      // lowers the rate, so only the ceiling is exact.
      const { burst, perSecond } = DEFAULT_BUDGETS.reads;
      expect(last.points).toBeGreaterThan(last.seconds * perSecond * 0.5);
      // A phase may touch one more of the limiter's windows than it lasts; each read is
      // admitted on its first point, so the count is bounded as a count of reads was.
      const windows = last.seconds + ROUNDS;
      expect(last.served).toBeLessThanOrEqual(ROUNDS * burst + windows * perSecond);
    },
    60_000,
  );
});
