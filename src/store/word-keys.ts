/**
 * Migration 0034: the word keys stored before sameWordKey folded case fully (a canned
 * reply's shortcutKey, a chat label's labelKey: NFC then lower case) written again with it,
 * so the unique index and the label filter compare what the server and the console now
 * compare. Few rows change (those holding ß, ς, ligatures, full-width or other
 * compatibility forms); the others are read once and left as they are.
 */
import { type Kysely, sql } from 'kysely';
import { distinctLabels, sameWordKey } from '../schemas/text-rules.js';
import { LIMITS } from '../schemas/vocabulary.js';
import { labelsOf } from './rows.js';

interface ShortcutRow {
  id: string;
  scope: string;
  ownerId: string;
  shortcut: string;
  shortcutKey: string;
}

/** `shortcut-n`, cut so that it stays within the shortcut's length (whole characters). */
function suffixed(shortcut: string, n: number): string {
  const suffix = `-${n}`;
  const chars = Array.from(shortcut);
  while (chars.join('').length + suffix.length > LIMITS.cannedShortcutChars) chars.pop();
  return chars.join('') + suffix;
}

/**
 * Two shortcuts of one scope and owner that the full fold makes one (`straße`, `STRASSE`)
 * cannot both keep their spelling under the unique index: the older keeps it, the newer is
 * renamed `STRASSE-2` (the first free number), its title and content untouched, so no
 * reply is lost and the agent sees which one to rename.
 */
async function refoldShortcuts(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<ShortcutRow>`SELECT id, scope, "ownerId", shortcut, "shortcutKey"
    FROM canned_replies ORDER BY "createdAt", id`.execute(db);
  const slot = (row: ShortcutRow, key: string) => JSON.stringify([row.scope, row.ownerId, key]);
  const taken = new Set<string>();
  const losers: ShortcutRow[] = [];
  const changes = new Map<string, { shortcut: string; key: string }>();
  for (const row of rows) {
    const key = sameWordKey(row.shortcut);
    const own = slot(row, key);
    if (taken.has(own)) losers.push(row);
    else {
      taken.add(own);
      if (key !== row.shortcutKey) changes.set(row.id, { shortcut: row.shortcut, key });
    }
  }
  for (const row of losers) {
    let n = 2;
    while (taken.has(slot(row, sameWordKey(suffixed(row.shortcut, n))))) n++;
    const shortcut = suffixed(row.shortcut, n);
    taken.add(slot(row, sameWordKey(shortcut)));
    changes.set(row.id, { shortcut, key: sameWordKey(shortcut) });
  }
  if (changes.size === 0) return;
  // Rows change one at a time; between two of them two rows may hold one key.
  await sql`DROP INDEX canned_replies_one_shortcut`.execute(db);
  for (const [id, change] of changes) {
    await sql`UPDATE canned_replies SET shortcut = ${change.shortcut},
      "shortcutKey" = ${change.key} WHERE id = ${id}`.execute(db);
  }
  await sql`CREATE UNIQUE INDEX canned_replies_one_shortcut
    ON canned_replies (scope, "ownerId", "shortcutKey")`.execute(db);
}

/** Statement parameters per IN list: well under SQLite's and PostgreSQL's bounds. */
const IDS_PER_STATEMENT = 500;

/**
 * The chats holding a label whose key the fold changes get their set written again as
 * setChatLabels writes it: repeats the full fold makes one (`Straße`, `STRASSE`) kept once,
 * the first spelling, and one chat_labels row per label under its new key.
 */
async function refoldLabels(db: Kysely<unknown>): Promise<void> {
  const { rows: keys } = await sql<{
    labelKey: string;
  }>`SELECT DISTINCT "labelKey" FROM chat_labels`.execute(db);
  const stale = keys.map((k) => k.labelKey).filter((key) => sameWordKey(key) !== key);
  const chatIds = new Set<string>();
  for (let i = 0; i < stale.length; i += IDS_PER_STATEMENT) {
    const some = stale.slice(i, i + IDS_PER_STATEMENT);
    const { rows } = await sql<{ chatId: string }>`SELECT DISTINCT "chatId" FROM chat_labels
      WHERE "labelKey" IN (${sql.join(some)})`.execute(db);
    for (const row of rows) chatIds.add(row.chatId);
  }
  const ids = [...chatIds];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const { rows: chats } = await sql<{
      id: string;
      labels: string;
      createdAt: string;
    }>`SELECT id, labels, "createdAt" FROM chats
      WHERE id IN (${sql.join(ids.slice(i, i + IDS_PER_STATEMENT))})`.execute(db);
    for (const chat of chats) {
      const set = distinctLabels(labelsOf(chat.labels));
      await sql`UPDATE chats SET labels = ${JSON.stringify(set)} WHERE id = ${chat.id}`.execute(db);
      await sql`DELETE FROM chat_labels WHERE "chatId" = ${chat.id}`.execute(db);
      for (const label of set) {
        await sql`INSERT INTO chat_labels ("chatId", "labelKey", "chatCreatedAt")
          VALUES (${chat.id}, ${sameWordKey(label)}, ${chat.createdAt})`.execute(db);
      }
    }
  }
}

export async function refoldWordKeys(db: Kysely<unknown>): Promise<void> {
  await refoldShortcuts(db);
  await refoldLabels(db);
}
