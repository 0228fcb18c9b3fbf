/**
 * Which chat ids exist — in the database before the import (with their user), or imported by
 * it — and which the import rejected: a message is taken only if its chat is known, and a
 * message of a rejected chat says so. Held in memory (about 100 bytes a chat and its user id;
 * a million chats is ~100 MB), since every message asks.
 */
import type { Kysely } from 'kysely';
import type { OpenChat } from './one-open-chat.js';
import type { ImportTables } from './open-database.js';

export class KnownChats {
  /** Each stored chat's user: an export's chat of that id must be the same user's. */
  private readonly existing = new Map<string, string>();
  private readonly imported = new Set<string>();
  private readonly rejected = new Set<string>();
  /**
   * Stored ids the export gives to another user's chat: their messages are that chat's, not
   * the stored one's, and must not join its history.
   */
  private readonly taken = new Set<string>();

  /** The database's chat ids, and its open chat per user (for the one-open-chat rule). */
  static async load(
    db: Kysely<ImportTables>,
  ): Promise<{ known: KnownChats; openByUser: Map<string, OpenChat> }> {
    const known = new KnownChats();
    const openByUser = new Map<string, OpenChat>();
    const rows = await db
      .selectFrom('chats')
      .select(['id', 'userId', 'status', 'createdAt'])
      .execute();
    for (const row of rows) {
      known.existing.set(row.id, row.userId);
      if (row.status !== 'closed') {
        openByUser.set(row.userId, { id: row.id, createdAt: row.createdAt, position: null });
      }
    }
    return { known, openByUser };
  }

  /** The stored chat's user, undefined when no chat of that id is stored. */
  storedUserOf(id: string): string | undefined {
    return this.existing.get(id);
  }

  addTaken(id: string): void {
    this.taken.add(id);
  }

  importedByThisRun(id: string): boolean {
    return this.imported.has(id);
  }

  addImported(id: string): void {
    this.imported.add(id);
  }

  addRejected(id: string): void {
    this.rejected.add(id);
  }

  /** 'known' when messages may go to it; otherwise why not. */
  status(id: string): 'known' | 'rejected' | 'missing' {
    if (this.taken.has(id)) return 'rejected';
    if (this.existing.has(id) || this.imported.has(id)) return 'known';
    return this.rejected.has(id) ? 'rejected' : 'missing';
  }
}
