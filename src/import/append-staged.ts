/**
 * Staged messages into `messages`, with their seq: per chat, in createdAt order (ties by _id),
 * continuing after the chat's lastSeq — 1…n for a new chat; after the messages already there
 * when a re-run brings more. Numbered by the database (row_number() over each chat), so the
 * whole export never has to be in memory. Chats go in groups of about ROWS_PER_TRANSACTION
 * messages; a chat's messages and its recomputed fields commit together, so an interrupted
 * import leaves every chat consistent, and a re-run imports what is missing. Groups share no
 * chat, so they are appended on every connection at once (PostgreSQL, where the backend's
 * CPU bounds the append: one backend per core).
 */
import { type Kysely, sql } from 'kysely';
import { recomputeReportFacts } from '../store/reports.js';
import { messageColumnsWithout } from '../store/rows.js';
import { TUNABLES } from '../tunables.js';
import { recomputeChats } from './chat-summaries.js';
import type { ImportDatabase, ImportTables } from './open-database.js';
import { STAGING_TABLE } from './staging-insert.js';

const ROWS_PER_TRANSACTION = TUNABLES.importAppendRows.value;

interface ChatGroup {
  first: string;
  last: string;
  chatIds: string[];
  messages: number;
}

/** Drops staged messages whose _id is already stored (an earlier run): they are skipped. */
export async function dropAlreadyStored(db: Kysely<ImportTables>): Promise<number> {
  const result = await db
    .deleteFrom(STAGING_TABLE)
    .where('id', 'in', (eb) => eb.selectFrom('messages').select('id'))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Consecutive chats (in the database's own id order, which the range queries use) in groups
 * of at most about ROWS_PER_TRANSACTION messages, as many groups as a multiple of
 * `connections`, so that every connection gets about as much to append (100,000 messages on
 * two: six groups of ~16,700, three each, rather than five of 20,000, three and two).
 */
async function groupChats(db: Kysely<ImportTables>, connections: number): Promise<ChatGroup[]> {
  const perChat = await db
    .selectFrom(STAGING_TABLE)
    .select((eb) => ['chatId', eb.fn.countAll<number>().as('n')])
    .groupBy('chatId')
    .orderBy('chatId')
    .execute();
  const total = perChat.reduce((sum, { n }) => sum + Number(n), 0);
  const rounds = Math.ceil(total / ROWS_PER_TRANSACTION / connections);
  const perGroup = Math.ceil(total / (rounds * connections));
  const groups: ChatGroup[] = [];
  let group: ChatGroup | undefined;
  for (const { chatId, n } of perChat) {
    if (!group || group.messages >= perGroup) {
      group = { first: chatId, last: chatId, chatIds: [], messages: 0 };
      groups.push(group);
    }
    group.last = chatId;
    group.chatIds.push(chatId);
    group.messages += Number(n);
  }
  return groups;
}

async function appendGroup(db: Kysely<ImportTables>, group: ChatGroup): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Every message column but clientMessageId (v2 had none): as staged, seq numbered here.
    const columns = messageColumnsWithout(['clientMessageId']).map((c) => c.name);
    const numbered = trx
      .selectFrom(`${STAGING_TABLE} as s`)
      .innerJoin('chats as c', 'c.id', 's.chatId')
      .where('s.chatId', '>=', group.first)
      .where('s.chatId', '<=', group.last)
      .select(
        columns.map((column) =>
          column === 'seq'
            ? sql<number>`${sql.ref('c.lastSeq')} + row_number() over (partition by ${sql.ref('s.chatId')} order by ${sql.ref('s.createdAt')}, ${sql.ref('s.id')})`.as(
                'seq',
              )
            : sql.ref(`s.${column}`).as(column),
        ),
      );
    await trx.insertInto('messages').columns(columns).expression(numbered).execute();
    await recomputeChats(trx, group.chatIds);
    // The reports' facts the append would have set (first admin message, the counters).
    await recomputeReportFacts(trx, group.chatIds);
  });
}

/** Appends every staged message; `onProgress` gets the messages appended so far. */
export async function appendStaged(
  { db, connections }: ImportDatabase,
  onProgress: (appended: number, total: number) => void,
): Promise<number> {
  // Built after loading (cheaper than maintaining it per insert): serves the grouping, each
  // group's range scan, and the per-chat order of row_number().
  await db.schema
    .createIndex(`${STAGING_TABLE}_by_chat`)
    .on(STAGING_TABLE)
    .columns(['chatId', 'createdAt', 'id'])
    .execute();
  const groups = await groupChats(db, connections);
  const total = groups.reduce((sum, g) => sum + g.messages, 0);
  let appended = 0;
  onProgress(0, total);
  let next = 0;
  let failed = false;
  // Each lane takes the next group until none is left. After a failure no lane starts
  // another, and the run ends once the groups in flight have committed or rolled back.
  const lane = async (): Promise<void> => {
    for (let group = groups[next++]; group !== undefined && !failed; group = groups[next++]) {
      try {
        await appendGroup(db, group);
      } catch (err) {
        failed = true;
        throw err;
      }
      appended += group.messages;
      onProgress(appended, total);
    }
  };
  const lanes = Array.from({ length: Math.min(connections, groups.length) }, lane);
  const failure = (await Promise.allSettled(lanes)).find((lane) => lane.status === 'rejected');
  if (failure) throw failure.reason;
  await db.schema.dropTable(STAGING_TABLE).ifExists().execute();
  return appended;
}
