/**
 * Which chat ids exist — in the database before the import (with their user), or imported by
 * it — and which the import rejected: a message is taken only if its chat is known, and a
 * message of a rejected chat says so. Held in memory (about 100 bytes a chat and its user id;
 * a million chats is ~100 MB), since every message asks.
 */
import type { Kysely } from 'kysely';
import { isPseudonym } from '../schemas/vocabulary.js';
import type { OpenChat } from './one-open-chat.js';
import type { ImportTables } from './open-database.js';

export class KnownChats {
  /** Each stored chat's user: an export's chat of that id must be the same user's. */
  private readonly existing = new Map<string, string>();
  private readonly imported = new Set<string>();
  private readonly rejected = new Set<string>();
  /**
   * Stored ids whose chat in the export was refused (another user's chat, an erased user's):
   * its messages must not join the stored chat's history.
   */
  private readonly refused = new Set<string>();
  /** Chats of the export left out as closed before the retention cutoff. */
  private readonly expired = new Set<string>();

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
      // An erased user's chat: nothing of theirs is added to it again.
      if (isPseudonym(row.userId)) known.refused.add(row.id);
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

  /** Its messages are rejected, stored chat or not. */
  addRefused(id: string): void {
    this.refused.add(id);
  }

  /**
   * Left out as past retention: its messages are left out with it. Also a chat taken a
   * moment ago and not yet written, closed since by its user's newer open chat.
   */
  addExpired(id: string): void {
    this.imported.delete(id);
    this.expired.add(id);
  }

  importedByThisRun(id: string): boolean {
    return this.imported.has(id);
  }

  expiredInThisRun(id: string): boolean {
    return this.expired.has(id);
  }

  addImported(id: string): void {
    this.imported.add(id);
  }

  addRejected(id: string): void {
    this.rejected.add(id);
  }

  /** 'known' when messages may go to it; otherwise why not. */
  status(id: string): 'known' | 'rejected' | 'expired' | 'missing' {
    if (this.refused.has(id)) return 'rejected';
    if (this.existing.has(id) || this.imported.has(id)) return 'known';
    if (this.expired.has(id)) return 'expired';
    return this.rejected.has(id) ? 'rejected' : 'missing';
  }
}
