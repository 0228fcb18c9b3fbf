/**
 * Row ↔ wire mapping: the only place that knows columns are 0/1 integers and `id`, not `_id`;
 * and the message row's columns, listed once for every statement that writes messages (both
 * appends, the importer's staging and its copy into `messages`). The migrations keep their
 * own literal DDL: a migration stays as it ran.
 */
import type { Selectable } from 'kysely';
import type { Chat, Message } from '../schemas/shapes.js';
import { isOneOf, REDACTION_KINDS, type RedactionKind } from '../schemas/vocabulary.js';
import type { ChatsTable, MessagesTable } from './schema.js';
import type { MessageDraft } from './store.js';

export interface MessageColumn {
  name: keyof MessagesTable;
  /** The same type name on SQLite and PostgreSQL (an array of it for PostgreSQL's unnest). */
  type: 'text' | 'integer';
  nullable: boolean;
}

/** Every column of `messages`, in the order the statements list them. */
export const MESSAGE_COLUMNS = [
  { name: 'id', type: 'text', nullable: false },
  { name: 'chatId', type: 'text', nullable: false },
  { name: 'seq', type: 'integer', nullable: false },
  { name: 'senderId', type: 'text', nullable: false },
  { name: 'senderType', type: 'text', nullable: false },
  { name: 'senderName', type: 'text', nullable: false },
  { name: 'content', type: 'text', nullable: false },
  { name: 'messageType', type: 'text', nullable: false },
  { name: 'fileUrl', type: 'text', nullable: true },
  { name: 'isRead', type: 'integer', nullable: false },
  { name: 'readAt', type: 'text', nullable: true },
  { name: 'clientMessageId', type: 'text', nullable: true },
  { name: 'createdAt', type: 'text', nullable: false },
  { name: 'updatedAt', type: 'text', nullable: false },
  { name: 'redacted', type: 'text', nullable: true },
] as const satisfies readonly MessageColumn[];

export type MessageColumnName = (typeof MESSAGE_COLUMNS)[number]['name'];

/** Compiles only while every column of MessagesTable is listed above. */
export const EVERY_MESSAGE_COLUMN_LISTED: [
  Exclude<keyof MessagesTable, MessageColumnName>,
] extends [never]
  ? true
  : never = true;

/** The columns but `left`, in the same order (the importer stages a message without some). */
export function messageColumnsWithout<Left extends MessageColumnName>(
  left: readonly Left[],
): Extract<(typeof MESSAGE_COLUMNS)[number], { name: Exclude<MessageColumnName, Left> }>[] {
  return MESSAGE_COLUMNS.filter(
    (
      column,
    ): column is Extract<
      (typeof MESSAGE_COLUMNS)[number],
      { name: Exclude<MessageColumnName, Left> }
    > => !left.some((name) => name === column.name),
  );
}

/** `"name"`: a column as both dialects read it, case kept. */
export const quoted = (column: string): string => `"${column}"`;

export function toChat(row: Selectable<ChatsTable>): Chat {
  return {
    _id: row.id,
    userId: row.userId,
    userName: row.userName,
    status: row.status,
    assignedAdminId: row.assignedAdminId,
    assignedAdminName: row.assignedAdminName,
    isLocked: Number(row.isLocked) === 1,
    lockedByAdminId: row.lockedByAdminId,
    lockedByAdminName: row.lockedByAdminName,
    lastMessage: row.lastMessage,
    lastMessageAt: row.lastMessageAt,
    unreadCount: Number(row.unreadCount),
    userOnline: Number(row.userOnline) === 1,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    labels: labelsOf(row.labels),
  };
}

/** The labels column: a JSON array of strings written by setChatLabels only. */
function labelsOf(column: string): string[] {
  if (column === '[]') return [];
  const parsed: unknown = JSON.parse(column);
  return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [];
}

export function toMessage(row: Selectable<MessagesTable>): Message {
  const message: Message = {
    _id: row.id,
    chatId: row.chatId,
    seq: Number(row.seq),
    senderId: row.senderId,
    senderType: row.senderType,
    senderName: row.senderName,
    content: row.content,
    messageType: row.messageType,
    fileUrl: row.fileUrl,
    isRead: Number(row.isRead) === 1,
    readAt: row.readAt,
    clientMessageId: row.clientMessageId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  // Only a masked message carries the field: every other message keeps v2's shape.
  if (row.redacted !== null) message.redacted = redactionKinds(row.redacted);
  return message;
}

function redactionKinds(column: string): RedactionKind[] {
  return column.split(',').filter((kind) => isOneOf(REDACTION_KINDS, kind));
}

/** The row a new message is stored as: the draft, its id and seq, unread, at `at`. */
export function newMessageRow(
  draft: MessageDraft,
  id: string,
  seq: number,
  at: string,
): Selectable<MessagesTable> {
  return {
    id,
    chatId: draft.chatId,
    seq,
    senderId: draft.senderId,
    senderType: draft.senderType,
    senderName: draft.senderName,
    content: draft.content,
    messageType: draft.messageType,
    fileUrl: draft.fileUrl,
    isRead: 0,
    readAt: null,
    clientMessageId: draft.clientMessageId,
    createdAt: at,
    updatedAt: at,
    redacted: draft.redacted?.join(',') ?? null,
  };
}
