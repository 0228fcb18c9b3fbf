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

/**
 * The chat columns a send needs back from its chat's bump: what toChat reads, and lastSeq
 * (the message's seq). SQLite's append reads them as a tuple in this order (better-sqlite3
 * builds a row object one native call per column, a quarter of the statement's time).
 */
export const CHAT_WIRE_COLUMNS = [
  'id',
  'userId',
  'userName',
  'status',
  'assignedAdminId',
  'assignedAdminName',
  'isLocked',
  'lockedByAdminId',
  'lockedByAdminName',
  'lastMessage',
  'lastMessageAt',
  'unreadCount',
  'userOnline',
  'lastSeq',
  'createdAt',
  'updatedAt',
  'labels',
  'ratingScore',
  'ratingComment',
  'ratedAt',
] as const satisfies readonly (keyof ChatsTable)[];

export type ChatWireRow = Pick<Selectable<ChatsTable>, (typeof CHAT_WIRE_COLUMNS)[number]>;

/** The wire columns' values in CHAT_WIRE_COLUMNS's order. */
export type ChatWireTuple = ValuesOf<typeof CHAT_WIRE_COLUMNS, Selectable<ChatsTable>>;

/** A tuple of `Row`'s value types for a tuple of its column names (generic: maps positions only). */
type ValuesOf<Names extends readonly (keyof Row)[], Row> = {
  -readonly [I in keyof Names]: Row[Names[I]];
};

/** The tuple as a row; the positions are CHAT_WIRE_COLUMNS's (a test holds them in step). */
export function chatWireRow(values: ChatWireTuple): ChatWireRow {
  return {
    id: values[0],
    userId: values[1],
    userName: values[2],
    status: values[3],
    assignedAdminId: values[4],
    assignedAdminName: values[5],
    isLocked: values[6],
    lockedByAdminId: values[7],
    lockedByAdminName: values[8],
    lastMessage: values[9],
    lastMessageAt: values[10],
    unreadCount: values[11],
    userOnline: values[12],
    lastSeq: values[13],
    createdAt: values[14],
    updatedAt: values[15],
    labels: values[16],
    ratingScore: values[17],
    ratingComment: values[18],
    ratedAt: values[19],
  };
}

/** A message row's values in MESSAGE_COLUMNS's order (bound by position: no lookups by name). */
export type MessageTuple = ValuesOf<MessageColumnNames, Selectable<MessagesTable>>;

type MessageColumnNames = ColumnNames<typeof MESSAGE_COLUMNS>;
type ColumnNames<Columns extends readonly MessageColumn[]> = {
  -readonly [I in keyof Columns]: Columns[I]['name'];
};

export function messageTuple(row: Selectable<MessagesTable>): MessageTuple {
  return [
    row.id,
    row.chatId,
    row.seq,
    row.senderId,
    row.senderType,
    row.senderName,
    row.content,
    row.messageType,
    row.fileUrl,
    row.isRead,
    row.readAt,
    row.clientMessageId,
    row.createdAt,
    row.updatedAt,
    row.redacted,
  ];
}

export function toChat(row: ChatWireRow): Chat {
  const chat: Chat = {
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
  // Only a rated chat carries the field: every other chat keeps v2's shape.
  if (row.ratingScore !== null && row.ratedAt !== null) {
    chat.rating = {
      score: Number(row.ratingScore),
      comment: row.ratingComment,
      at: row.ratedAt,
    };
  }
  return chat;
}

/** The labels column: a JSON array of strings written by setChatLabels only. */
export function labelsOf(column: string): string[] {
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
