/** Row ↔ wire mapping: the only place that knows columns are 0/1 integers and `id`, not `_id`. */
import type { Selectable } from 'kysely';
import type { Chat, Message } from '../schemas/shapes.js';
import type { ChatsTable, MessagesTable } from './schema.js';
import type { MessageDraft } from './store.js';

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
  };
}

export function toMessage(row: Selectable<MessagesTable>): Message {
  return {
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
  };
}
