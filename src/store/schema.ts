/** The database schema as one TypeScript interface: queries are typed against it. */
import type { ColumnType, Generated } from 'kysely';
import type {
  Availability,
  CannedScope,
  ChatStatus,
  DeliveryStatus,
  MessageType,
  SenderType,
} from '../schemas/vocabulary.js';

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
  /**
   * Read watermarks (see markRead): every user message with seq ≤ adminReadSeq is read,
   * and every admin and system message with seq ≤ userReadSeq. 0 is always true (a new
   * chat's, and the safe value for any other: the next read then looks at the whole chat).
   */
  adminReadSeq: number;
  userReadSeq: number;
  createdAt: string;
  updatedAt: string;
  /** When the chat was closed (the rating window counts from it); null while open. */
  closedAt: string | null;
  /** The user's rating (1-5) and comment, and when they gave it; null until rated. */
  ratingScore: number | null;
  ratingComment: string | null;
  ratedAt: string | null;
  /** The customer's context (the user token's `ctx` claim) as JSON; null: none given. */
  ctx: string | null;
  /**
   * The labels as a JSON array of strings, in the order set ('[]': none, the column's
   * default, so a row inserted without them, as the v2 import's, has none).
   */
  labels: ColumnType<string, string | undefined, string>;
  /** When an admin first took, locked or was routed the chat; null while it never was. */
  firstAssignedAt: string | null;
  /**
   * The reports' facts (migration 0022), set by the append's own UPDATE: when the first
   * admin message was stored (null: none yet), and how many user and admin messages the
   * chat has (system messages and notes never count).
   */
  firstResponseAt: string | null;
  userMessages: ColumnType<number, number | undefined, number>;
  adminMessages: ColumnType<number, number | undefined, number>;
  /**
   * The same instants as epoch milliseconds (migration 0025), written beside their ISO
   * text by the same statements, so that a report reads integers instead of parsing text
   * (store/reports.ts). Null where the instant is (or a row written without them: the
   * reports then read the text). Only SQL reads them (PostgreSQL would answer its bigint
   * as a string).
   */
  createdMs: EpochMs;
  firstAssignedMs: EpochMs;
  firstResponseMs: EpochMs;
  closedMs: EpochMs;
}

type EpochMs = ColumnType<number | null, number | null | undefined, number | null>;

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
  /** Comma-separated RedactionKinds ('pan'), or null when nothing was masked. */
  redacted: string | null;
}

/** One row, rewritten by the health probe only after the store refused a write. */
export interface WriteProbeTable {
  id: number;
  checkedAt: string;
  /** As long as the longest message: the probe needs the space a message would. */
  payload: string;
}

/** An uploaded file's record; its bytes are in a BlobStore under blobKey (and thumbKey). */
export interface AttachmentsTable {
  id: string;
  uploaderId: string;
  /** The chat it was uploaded to, or the chat of the message that used it; null until then. */
  chatId: string | null;
  name: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  sha256: string;
  blobKey: string;
  thumbKey: string | null;
  thumbContentType: string | null;
  /** 0 without a thumbnail; counted in the uploader's quota with `size`. */
  thumbSize: number;
  createdAt: string;
  /** The one message that used it; null while unused (deleted after attachmentUnusedMs). */
  messageId: string | null;
}

/** The database BlobStore's bytes: each key in chunks of attachmentChunkBytes, idx 0, 1, 2… */
export interface AttachmentChunksTable {
  key: string;
  idx: number;
  data: Uint8Array;
  createdAt: string;
}

/** Work one node at a time does (the sweep of unused uploads): who holds it, until when. */
export interface LeasesTable {
  name: string;
  holder: string;
  expiresAt: string;
}

/** An erasure under way (migration 0032): the user's chats are not opened while it is fresh. */
export interface ErasureHoldsTable {
  id: string;
  userId: string;
  /** When its erasure last renewed it: older than `erasureHoldStaleMs`, its node died. */
  heldAt: string;
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
  /** 1: `availability` is the admin's own choice; 0: a join's default (migration 0030). */
  availabilityChosen: Generated<number>;
  maxChats: number | null;
  updatedAt: string;
  /** When routing last gave them a chat (null: never): the older wins a tie (migration 0011). */
  lastAssignedAt: string | null;
}

/** A chat's latest automatic assignment (ROUTING=auto; migration 0011). */
export interface RoutedChatsTable {
  chatId: string;
  /** Who holds it unanswered; null once settled (answered, requeued, or changed by hand). */
  adminId: string | null;
  assignedAt: string;
  /** The chat's lastSeq when it was assigned: the admin's answer is a message after it. */
  fromSeq: number;
  /** Whose assignment of it timed out: routed to them again only when nobody else can take it. */
  skipAdminId: string | null;
}

/** A canned reply; a team reply's ownerId is '' (see migration 0013). */
export interface CannedRepliesTable {
  id: string;
  scope: CannedScope;
  ownerId: string;
  shortcut: string;
  /** sameWordKey(shortcut): what the unique index compares. */
  shortcutKey: string;
  title: string;
  content: string;
  createdAt: string;
  updatedAt: string;
}

/** One label of one chat, by its key (sameWordKey), for finding a label's chats. */
export interface ChatLabelsTable {
  chatId: string;
  labelKey: string;
  /** The chat's createdAt: the lists' index order. */
  chatCreatedAt: string;
}

/** One audit entry (src/audit/chain.ts); written once, never changed but by erasure. */
export interface AuditLogTable {
  id: string;
  chain: string;
  chainSeq: number;
  at: string;
  actorId: string;
  actorRole: string;
  actorName: string;
  action: string;
  chatId: string | null;
  /** The details as canonical JSON. */
  details: string;
  hash: string;
  prevHash: string;
}

/** Where each chain ends: what the next entry links to, and what verify expects to find. */
export interface AuditChainsTable {
  chain: string;
  seq: number;
  hash: string;
}

/** The key that seals people's ids and names in the hashes (made once, by the migration). */
export interface AuditKeyTable {
  id: number;
  key: string;
}

/** One event for one receiver, written with the change that made it (the outbox). */
export interface WebhookOutboxTable {
  /** Commit order: per chat, events are delivered in this order. */
  seq: Generated<number>;
  /** The `webhook-id`: the same on every attempt. */
  id: string;
  url: string;
  chatId: string | null;
  type: string;
  /** The body as sent: `{type, timestamp, data}`. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  /** Until when the node that took it may deliver it; null while nobody holds it. */
  leaseUntil: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** An internal note: admins only, apart from the messages (it takes no seq). */
export interface NotesTable {
  id: string;
  chatId: string;
  /** The chat's lastSeq when the note was written: it is shown after that message. */
  afterSeq: number;
  senderId: string;
  senderName: string;
  content: string;
  clientMessageId: string | null;
  createdAt: string;
}

export interface Database {
  chats: ChatsTable;
  messages: MessagesTable;
  write_probe: WriteProbeTable;
  attachments: AttachmentsTable;
  attachment_chunks: AttachmentChunksTable;
  leases: LeasesTable;
  erasure_holds: ErasureHoldsTable;
  known_admins: KnownAdminsTable;
  agents: AgentsTable;
  routed_chats: RoutedChatsTable;
  canned_replies: CannedRepliesTable;
  chat_labels: ChatLabelsTable;
  audit_log: AuditLogTable;
  audit_chains: AuditChainsTable;
  audit_key: AuditKeyTable;
  webhook_outbox: WebhookOutboxTable;
  notes: NotesTable;
}
