/** The wire shapes of PROTOCOL.md §3, field names as v2 sent them (including `_id`). */

export type ChatStatus = 'waiting' | 'active' | 'closed';
export type SenderType = 'user' | 'admin' | 'system';
export type MessageType = 'text' | 'image' | 'file';

export interface Chat {
  _id: string;
  userId: string;
  userName: string;
  status: ChatStatus;
  assignedAdminId: string | null;
  assignedAdminName: string | null;
  isLocked: boolean;
  lockedByAdminId: string | null;
  lockedByAdminName: string | null;
  lastMessage: string;
  lastMessageAt: string;
  unreadCount: number;
  userOnline: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Message {
  _id: string;
  chatId: string;
  seq: number;
  senderId: string;
  senderType: SenderType;
  senderName: string;
  content: string;
  messageType: MessageType;
  fileUrl: string | null;
  isRead: boolean;
  readAt: string | null;
  clientMessageId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Bounds that the contract names (issue #3): one place, used by HTTP and Socket.io. */
export const LIMITS = {
  bodyBytes: 64 * 1024,
  contentChars: 10_000,
  lastMessagePreviewChars: 100,
  historyDefaultLimit: 50,
  historyMaxLimit: 200,
  /** Every id a client gives (userId, adminId, chatId, clientMessageId, a token's sub). */
  idChars: 100,
  /** What the router accepts in one path segment before zod names the field. */
  pathParamChars: 1024,
  nameChars: 200,
  urlChars: 2048,
} as const;
