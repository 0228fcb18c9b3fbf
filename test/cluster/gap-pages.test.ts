/**
 * A long gap in a chat's delivery order is read and delivered a bounded page at a time,
 * in seq order, on both stores; a gap that runs past what the store holds ends there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGapInPages } from '../../src/cluster/gap-pages.js';
import type { Message } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { seedLongChat } from '../helpers/bulk-seed.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const MESSAGES = 1_000;
const PAGE = 200;

describe.each(await storeTargets())('filling a delivery gap on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let chatId: string;
  beforeAll(async () => {
    db = await target.create();
    await (await openStore(db.config)).close(); // the schema, for the seed
    ({ chatId } = await seedLongChat(db.config, 'gap-user', MESSAGES));
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  /** The store, counting how much each read asked for. */
  const counting = () => {
    const limits: number[] = [];
    return {
      limits,
      historyCursor: (...args: Parameters<Store['historyCursor']>) => {
        limits.push(args[1].limit);
        return store.historyCursor(...args);
      },
    };
  };

  it('delivers a gap of 889 messages in order, in pages of at most the page size', async () => {
    const reader = counting();
    const pages: Message[][] = [];
    await readGapInPages(reader, { chatId, afterSeq: 10, beforeSeq: 900 }, PAGE, (page) =>
      pages.push(page),
    );
    expect(pages.flat().map((m) => m.seq)).toEqual(Array.from({ length: 889 }, (_, i) => 11 + i));
    expect(Math.max(...pages.map((p) => p.length))).toBeLessThanOrEqual(PAGE);
    expect(Math.max(...reader.limits)).toBeLessThanOrEqual(PAGE);
    expect(reader.limits).toHaveLength(5);
  });

  it('stops where the store ends when the gap runs past it', async () => {
    const reader = counting();
    const delivered: number[] = [];
    await readGapInPages(reader, { chatId, afterSeq: 950, beforeSeq: 5_000 }, PAGE, (page) =>
      delivered.push(...page.map((m) => m.seq)),
    );
    expect(delivered).toEqual(Array.from({ length: 50 }, (_, i) => 951 + i));
    expect(reader.limits).toHaveLength(1);
  });

  it('reads nothing for an empty gap', async () => {
    const reader = counting();
    await readGapInPages(reader, { chatId, afterSeq: 10, beforeSeq: 11 }, PAGE, () => {
      throw new Error('nothing to deliver');
    });
    expect(reader.limits).toEqual([]);
  });
});
