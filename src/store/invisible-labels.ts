/**
 * Migration 0035: labels stored before the visible-character rule (a label of zero-width
 * spaces, joiners or marks only) are dropped from their chats. The console edits a chat's
 * labels by sending its whole set again, and the rule refused such a label in it: every
 * later change of that chat's labels was refused until someone found the empty chip. Only
 * that rule came after labels did, so once dropped nothing stored fails them again. The
 * chats are read page by page, by id; only those holding such a label are written.
 */
import { type Kysely, sql } from 'kysely';
import { distinctLabels, hasVisibleCharacter, sameWordKey } from '../schemas/text-rules.js';
import { labelsOf } from './rows.js';

const CHATS_PER_PAGE = 500;

export async function dropInvisibleLabels(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; labels: string; createdAt: string }>`
      SELECT id, labels, "createdAt" FROM chats WHERE labels <> '[]' AND id > ${after}
      ORDER BY id LIMIT ${CHATS_PER_PAGE}`.execute(db);
    for (const chat of rows) {
      const labels = labelsOf(chat.labels);
      // Once each, as a label write keeps them: chat_labels holds one row per key.
      const kept = distinctLabels(labels.filter(hasVisibleCharacter));
      if (kept.length === labels.length) continue;
      // As setChatLabels writes a set: the row's array and one chat_labels row per label.
      await sql`UPDATE chats SET labels = ${JSON.stringify(kept)} WHERE id = ${chat.id}`.execute(
        db,
      );
      await sql`DELETE FROM chat_labels WHERE "chatId" = ${chat.id}`.execute(db);
      for (const label of kept) {
        await sql`INSERT INTO chat_labels ("chatId", "labelKey", "chatCreatedAt")
          VALUES (${chat.id}, ${sameWordKey(label)}, ${chat.createdAt})`.execute(db);
      }
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < CHATS_PER_PAGE) return;
    after = last.id;
  }
}
