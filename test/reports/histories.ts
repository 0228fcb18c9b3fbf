/**
 * Hand-made chat histories for the reports' tests: chat rows with exactly the facts a test
 * names (times as offsets in seconds from creation), written straight into a migrated
 * database before the store opens it, as the v2 import writes chats.
 */
import type { DatabaseConfig } from '../../src/config.js';
import { openImportDatabase } from '../../src/import/open-database.js';

export interface History {
  id: string;
  createdAt: string;
  admin?: string;
  /** Seconds after creation. */
  assigned?: number;
  responded?: number;
  closed?: number;
  rating?: number;
  users?: number;
  admins?: number;
  /** An assignee without a first assignment (imported, or assigned before migration 0011). */
  noFirstAssignment?: true;
}

const after = (createdAt: string, seconds: number | undefined): string | null =>
  seconds === undefined ? null : new Date(Date.parse(createdAt) + seconds * 1000).toISOString();

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * `epoch: false` writes the times as text only, as a node older than migration 0025 does
 * (the reports then parse the text).
 */
export async function writeHistories(
  config: DatabaseConfig,
  histories: History[],
  { epoch = true }: { epoch?: boolean } = {},
): Promise<void> {
  const { db, close } = await openImportDatabase(config);
  try {
    for (const h of histories) {
      const closedAt = after(h.createdAt, h.closed);
      const firstAssignedAt = h.noFirstAssignment ? null : after(h.createdAt, h.assigned);
      const firstResponseAt = after(h.createdAt, h.responded);
      await db
        .insertInto('chats')
        .values({
          id: h.id,
          userId: `u-${h.id}`,
          userName: 'U',
          status: closedAt ? 'closed' : h.admin ? 'active' : 'waiting',
          assignedAdminId: h.admin ?? null,
          assignedAdminName: h.admin ? `Name ${h.admin}` : null,
          isLocked: 0,
          lockedByAdminId: null,
          lockedByAdminName: null,
          lastMessage: '',
          lastMessageAt: h.createdAt,
          unreadCount: 0,
          userOnline: 0,
          lastSeq: 0,
          adminReadSeq: 0,
          userReadSeq: 0,
          createdAt: h.createdAt,
          updatedAt: closedAt ?? h.createdAt,
          closedAt,
          firstAssignedAt,
          firstResponseAt,
          ratingScore: h.rating ?? null,
          ratedAt: h.rating === undefined ? null : closedAt,
          userMessages: h.users ?? 0,
          adminMessages: h.admins ?? 0,
          ...(epoch
            ? {
                createdMs: ms(h.createdAt),
                firstAssignedMs: ms(firstAssignedAt),
                firstResponseMs: ms(firstResponseAt),
                closedMs: ms(closedAt),
              }
            : {}),
        })
        .execute();
    }
  } finally {
    await close();
  }
}
