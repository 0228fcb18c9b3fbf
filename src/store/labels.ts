/**
 * Chat labels (migration 0013): the set as a JSON array on the chat row, which every chat
 * read carries, and one chat_labels row per label for the filter. Both are written in one
 * transaction that starts by updating the chat row, so two admins setting one chat's
 * labels at once are serialised by its row lock: the last one wins, whole.
 */
import type { Kysely, Selectable } from 'kysely';
import { distinctLabels, sameWordKey } from '../schemas/text-rules.js';
import type { ChatsTable, Database } from './schema.js';

export function writeChatLabels(
  db: Kysely<Database>,
  chatId: string,
  labels: readonly string[],
  at: string,
  /** What else the change writes in its transaction (its audit entry). */
  alsoWrite?: (trx: Kysely<Database>, row: Selectable<ChatsTable>) => Promise<void>,
): Promise<Selectable<ChatsTable> | undefined> {
  const set = distinctLabels(labels);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('chats')
      .set({ labels: JSON.stringify(set), updatedAt: at })
      .where('id', '=', chatId)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await trx.deleteFrom('chat_labels').where('chatId', '=', chatId).execute();
    if (set.length > 0) {
      await trx
        .insertInto('chat_labels')
        .values(
          set.map((label) => ({
            chatId,
            labelKey: sameWordKey(label),
            chatCreatedAt: row.createdAt,
          })),
        )
        .execute();
    }
    await alsoWrite?.(trx, row);
    return row;
  });
}
