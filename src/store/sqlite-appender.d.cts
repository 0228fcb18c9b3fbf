/** Types for sqlite-appender.cjs (plain CommonJS so that it runs as a worker as is). */
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { ChatsTable, MessagesTable } from './schema.js';
import type { MessageDraft } from './store.js';

/** A draft with the id its message will be stored under. */
export type IdentifiedDraft = MessageDraft & { id: string };

export type RawAppend =
  | { kind: 'stored'; seq: number; chat: Selectable<ChatsTable> }
  | { kind: 'duplicate'; row: Selectable<MessagesTable> }
  | { kind: 'rejected' };

/** What the worker is sent, and what it answers. */
export type AppendRequest = { id: number; drafts: IdentifiedDraft[]; at: string } | { close: true };
export type AppendReply =
  | { ready: true }
  | { id: number; results: RawAppend[] }
  | { id: number; error: { message: string; code?: string } };

export function configureConnection(db: BetterSqlite3.Database): void;
export function createAppender(
  db: BetterSqlite3.Database,
): (drafts: IdentifiedDraft[], at: string) => RawAppend[];
