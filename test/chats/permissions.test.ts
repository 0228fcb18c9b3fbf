/**
 * capabilitiesOf (what the console shows) and the server's decision agree for every chat
 * state and every kind of caller: the rules the use cases apply before a statement, and
 * the conditions the statements themselves carry, on both databases.
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAdmin } from '../../src/auth/actor.js';
import { capabilitiesOf, unlockableFrom } from '../../src/chats/permissions.js';
import type { Chat } from '../../src/schemas/shapes.js';
import { adminMayTake, heldBy, releasableFrom, writableBy } from '../../src/store/chat-sql.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { toChat } from '../../src/store/rows.js';
import type { Database } from '../../src/store/schema.js';
import { storeTargets } from '../helpers/stores.js';
import {
  callers,
  describeCaller,
  everyChatState,
  openDatabase,
  serverAllows,
} from './chat-states.js';

const rows = everyChatState();
const chats = rows.map(toChat);
const cases = callers.flatMap((actor) => chats.map((chat) => ({ actor, chat })));

describe('capabilitiesOf and the rules', () => {
  it('cover every chat state and caller, with every action both allowed and refused', () => {
    expect(cases).toHaveLength(27 * callers.length);
    for (const action of ['view', 'take', 'transfer', 'unlock', 'close', 'write'] as const) {
      const allowed = cases.filter(({ chat, actor }) => capabilitiesOf(chat, actor)[action]);
      expect(allowed.length, action).toBeGreaterThan(0);
      expect(allowed.length, action).toBeLessThan(cases.length);
    }
  });

  it.each(callers.map((c) => [describeCaller(c), c] as const))(
    'agree on every chat state for %s',
    (_, actor) => {
      for (const chat of chats) {
        expect({ chat: chat._id, ...capabilitiesOf(chat, actor) }).toEqual({
          chat: chat._id,
          ...serverAllows(chat, actor),
        });
      }
    },
  );
});

describe.each(await storeTargets())('capabilitiesOf and the statements on $name', (target) => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await openDatabase(target));
    // The migrations take a database of any schema; Kysely's type parameter is invariant.
    await migrateToLatest(db as Kysely<unknown>);
    await db.insertInto('chats').values(rows).execute();
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  /** Whether the statement's condition selects this chat's row. */
  const selects = async (
    chat: Chat,
    where: (eb: ExpressionBuilder<Database, 'chats'>) => Expression<SqlBool>,
  ): Promise<boolean> => {
    const row = await db
      .selectFrom('chats')
      .select('id')
      .where('id', '=', chat._id)
      .where(where)
      .executeTakeFirst();
    return row !== undefined;
  };

  it.each(callers.map((c) => [describeCaller(c), c] as const))(
    'an action the console offers to %s is one its statement carries out',
    async (_, actor) => {
      for (const chat of chats) {
        const may = capabilitiesOf(chat, actor);
        // take and lock: the conditional UPDATE takes it for this admin (a person: it needs an id).
        const takes =
          actor.kind === 'person' &&
          isAdmin(actor) &&
          (await selects(chat, (eb) => adminMayTake.where(eb, actor.id)));
        expect({ chat: chat._id, take: may.take }).toEqual({ chat: chat._id, take: takes });
        // transfer: the UPDATE requires the chat held by the admin named.
        if (may.transfer) {
          const holder = chat.assignedAdminId ?? '';
          expect(await selects(chat, (eb) => heldBy.where(eb, holder))).toBe(true);
        }
        // unlock: held by, or locked in the queue by, the admin it is unlocked from.
        if (may.unlock) {
          const from = unlockableFrom(chat) ?? '';
          expect(await selects(chat, (eb) => releasableFrom.where(eb, from))).toBe(true);
        }
        // close and write: the close and the append carry writableBy.
        const writes = await selects(chat, (eb) => writableBy.where(eb, actor));
        expect({ chat: chat._id, close: may.close, write: may.write }).toEqual({
          chat: chat._id,
          close: writes,
          write: writes,
        });
      }
    },
  );
});
