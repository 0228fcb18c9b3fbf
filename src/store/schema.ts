/** The database schema as one TypeScript interface: queries are typed against it. */
import type { Availability, ChatStatus, MessageType, SenderType } from '../schemas/vocabulary.js';

export interface ChatsTable {
  id: string;
  userId: string;
  userName: string;
  status: ChatStatus;
  assignedAdminId: string | null;
  assignedAdminName: string | null;
  /** 0/1: the same integer column type on SQLite and PostgreSQL. */
  isLocked: number;
  lockedByAdminId: string | null;
  lockedByAdminName: string | null;
  lastMessage: string;
  lastMessageAt: string;
  unreadCount: number;
  userOnline: number;
  /** The seq of the chat's newest message; the next message takes lastSeq + 1. */
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
}

export interface MessagesTable {
  id: string;
  chatId: string;
  seq: number;
  senderId: string;
  senderType: SenderType;
  senderName: string;
  content: string;
  messageType: MessageType;
  fileUrl: string | null;
  isRead: number;
  readAt: string | null;
  clientMessageId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One row, rewritten by the health probe only after the store refused a write. */
export interface WriteProbeTable {
  id: number;
  checkedAt: string;
  /** As long as the longest message: the probe needs the space a message would. */
  payload: string;
}

/** An admin the server has seen connect or act (or found holding a chat when it migrated). */
export interface KnownAdminsTable {
  id: string;
  /** The name they last used. */
  name: string;
  firstSeenAt: string;
  /** Written at most once per admin per process: when this process first saw them. */
  lastSeenAt: string;
}

/** An admin's remembered choices (null: not chosen, the default applies). */
export interface AgentsTable {
  adminId: string;
  availability: Availability | null;
  maxChats: number | null;
  updatedAt: string;
}

export interface Database {
  chats: ChatsTable;
  messages: MessagesTable;
  write_probe: WriteProbeTable;
  known_admins: KnownAdminsTable;
  agents: AgentsTable;
}
