/**
 * The operations the use cases need, not a generic repository. Every state change that a
 * race could decide is a conditional update whose WHERE clause states what the caller
 * assumed; a `undefined` result means "the assumption no longer holds, reload and explain".
 */
import type { AuditDetails, AuditDraft, ChatAudit } from '../audit/chain.js';
import type { AuditLog } from '../audit/log.js';
import type { Actor, Role } from '../auth/actor.js';
import { chatNotFound } from '../errors.js';
import type { Chat, ChatStatus, Message, SenderType } from '../schemas/shapes.js';
import type {
  Availability,
  CannedScope,
  ReaderType,
  RedactionKind,
} from '../schemas/vocabulary.js';
import type { WebhookOutbox } from '../webhooks/outbox.js';
import type { AttachmentRecords } from './attachment-records.js';
import type { QueueViewer } from './chat-sql.js';
import type { NoteRecords } from './note-records.js';
import type { PrivacyRecords } from './privacy.js';
import type { ReportRecords } from './reports.js';
import type { SearchPage, SearchQuery } from './search.js';

export interface AdminRef {
  id: string;
  name: string;
}

/** An admin the server has seen, and when this or another process last recorded them. */
/**
 * A change that happened: the chat now, and as it was when the change applied to it (read
 * in the change's transaction). What the change tells others (whose load moved, who could
 * view it) is decided from `before`, never from a read made earlier: a concurrent change
 * may have committed between that read and this one.
 */
export interface ChatChange {
  chat: Chat;
  before: Chat;
}

/**
 * The audit entry of a change whose details say what the chat was changed from: read off
 * `before`, the row the change applied to, for the reason ChatChange gives.
 */
export interface ChatAuditFrom extends Omit<ChatAudit, 'details'> {
  detailsFrom: (before: Chat) => AuditDetails;
}

/** The audit entry of a change that reads the row it changes: its details given or read off it. */
export type ChangeAudit = ChatAudit | ChatAuditFrom;

export interface SeenAdmin extends AdminRef {
  lastSeenAt: string;
}

/** A known admin with what they chose (null: never chosen) and their active chats. */
export interface AgentRecord {
  adminId: string;
  adminName: string;
  availability: Availability | null;
  maxChats: number | null;
  activeChats: number;
}

/** What a canned reply is made of; ownerId is the admin of a personal one, null for the team's. */
export interface CannedReplyFields {
  scope: CannedScope;
  ownerId: string | null;
  shortcut: string;
  title: string;
  content: string;
}

export interface CannedReplyRecord extends CannedReplyFields {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/** A waiting chat in the queue's order. */
export interface QueueEntry {
  chatId: string;
  userId: string;
}

/** How many chats wait, and where one of them stands (1 = next; null: it does not wait). */
export interface QueueRank {
  waiting: number;
  position: number | null;
}
/** An admin routing may give a chat to, as counted under the assignment's lock. */
export interface RoutingChoiceCandidate {
  adminId: string;
  activeChats: number;
  maxChats: number;
  /** When routing last gave them a chat; null: never. */
  lastAssignedAt: string | null;
}

/**
 * The routing rule (routing/rules.ts, `nextAgent`), handed to the store that applies it
 * under lock: who gets the chat (`skipAdminId`: whose assignment of it went unanswered).
 */
export type RoutingChoice = (
  candidates: readonly RoutingChoiceCandidate[],
  skipAdminId: string | null,
) => RoutingChoiceCandidate | undefined;

/** How assignWaiting assigns: the rule, the batch, and who is connected (presence's). */
export interface AssignOptions {
  defaultMaxChats: number;
  max: number;
  choose: RoutingChoice;
  /**
   * Which of these admins are connected now, on any node (presence): asked again inside
   * the transaction, just before it commits.
   */
  connected: (adminIds: readonly string[]) => Promise<readonly string[]>;
}

export type ChatQuery =
  | { kind: 'byUser'; userId: string }
  | { kind: 'waiting'; viewer: QueueViewer }
  | { kind: 'assignedTo'; adminId: string }
  /** `label`: only chats carrying it (case does not count). */
  | { kind: 'all'; status: ChatStatus | undefined; label?: string | undefined };

/** What a stored message does to its chat, decided by the domain rules. */
export interface ChatEffect {
  lastMessage: string;
  unreadIncrement: number;
}

/**
 * What a read marks, decided by the domain rules (readEffect): the messages of
 * `senderTypes`, and for an admin the unread count. The store keeps one watermark per
 * `reader` (see markRead), so every read of one reader names the same sender types.
 */
export interface ReadEffect {
  reader: ReaderType;
  senderTypes: SenderType[];
  resetUnread: boolean;
}

export interface MessageDraft {
  chatId: string;
  senderId: string;
  /** The append stores the message only while the sender may write to the chat (writableBy). */
  senderRole: Role;
  senderType: SenderType;
  senderName: string;
  content: string;
  messageType: Message['messageType'];
  fileUrl: string | null;
  clientMessageId: string | null;
  /** What the parse masked in the content (card numbers); undefined: nothing. */
  redacted?: RedactionKind[] | undefined;
  effect: ChatEffect;
  /**
   * The attachment the message carries: the append marks it used by this message in the
   * same transaction, only while it is unused, the sender's, and uploaded to no other chat.
   */
  attachmentId?: string | undefined;
}

export type AppendResult =
  | { kind: 'stored'; message: Message; chat: Chat }
  | { kind: 'duplicate'; message: Message }
  /** The chat is missing, closed, or not the sender's to write to: the caller reloads it to say which. */
  | { kind: 'rejected' }
  /** The chat took it, but its attachment is used, someone else's, or another chat's: nothing stored. */
  | { kind: 'attachmentUnusable' };

/** A user's rating of their closed chat, and the oldest close it may still rate. */
export interface RatingDraft {
  userId: string;
  score: number;
  comment: string | null;
  at: string;
  /** The chat must have been closed at or after this time (the rating window). */
  closedSince: string;
}

/** Messages after or before a seq, `limit` at most, oldest first. */
export interface HistoryCursor {
  direction: 'after' | 'before';
  seq: number;
  limit: number;
}

/**
 * Writes a batch of appends in one transaction, each draft with its own outcome. Throwing
 * means the whole batch failed (nothing of it was stored); the store then decides each
 * draft on its own, so that one bad draft cannot fail the others.
 */
export interface Appender {
  /**
   * With `webhookUrls` (WEBHOOK_URLS), each stored message's `message.created` goes to the
   * outbox in the batch's own transaction (message-webhooks.ts); none: nothing more is done.
   */
  append(drafts: MessageDraft[], webhookUrls?: readonly string[]): Promise<AppendResult[]>;
  /**
   * Search indexing where the appends are written (SQLite's writer thread: its batches
   * then neither run on the event loop nor wait there for the file's lock; on the event
   * loop: committed without an fsync of their own). Absent: the store indexes on its own
   * connection.
   */
  indexSearch?(max: number): Promise<number>;
  /** Answers the appends in hand and lets go of what the appender holds (a thread). */
  close?(): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Attachments' records, their chunks and the sweep's lease (attachment-records.ts). */
  readonly attachments: AttachmentRecords;
  /** The audit log's reading side; entries are written with the changes they record. */
  readonly audit: AuditLog;
  /** The webhook outbox's delivering side; rows are written with the changes that make them. */
  readonly webhooks: WebhookOutbox;
  /** Where the events of changes from now on go (WEBHOOK_URLS); none: nothing is queued. */
  sendWebhooksTo(urls: readonly string[]): void;
  /** Internal notes: apart from the messages, no seq (note-records.ts). */
  readonly notes: NoteRecords;
  /** Retention's purge, a user's export and erasure (privacy.ts). */
  readonly privacy: PrivacyRecords;
  /** The reports' reads (reports.ts): off the send path, from facts the chat rows carry. */
  readonly reports: ReportRecords;
  ping(): Promise<void>;
  close(): Promise<void>;

  getChat(chatId: string): Promise<Chat | undefined>;
  /** Another node changed the chat: the next read goes to the database. */
  forgetChat(chatId: string): void;
  /**
   * Returns the user's open chat, creating it if there is none (one open chat per user);
   * a new chat starts with `userOnline` as given.
   */
  openChat(
    user: {
      userId: string;
      userName: string;
      online: boolean;
    },
    audit?: ChatAudit,
  ): Promise<{ chat: Chat; isNew: boolean }>;
  /** The first `max` chats of the list, in its order. */
  listChats(query: ChatQuery, max: number): Promise<Chat[]>;

  /**
   * Assign (and optionally lock) to `admin` if open and not held by another admin; with
   * the row it took. Routing's count of the admin's load never sees it half-way (assignWaiting).
   */
  takeChat(
    chatId: string,
    admin: AdminRef,
    lock: boolean,
    audit?: ChangeAudit,
  ): Promise<ChatChange | undefined>;
  /** Reassign from `fromAdminId` to `to` if it still holds the open chat (to's load as takeChat). */
  transferChat(
    chatId: string,
    fromAdminId: string,
    to: AdminRef,
    audit?: ChatAudit,
  ): Promise<Chat | undefined>;
  /**
   * Unlock + unassign + waiting, if `heldBy` still holds it (heldBy) or still locks it in
   * the queue (lockedInQueueBy); with the row it released (active or waiting).
   */
  releaseChat(chatId: string, heldBy: string, audit?: ChatAudit): Promise<ChatChange | undefined>;
  /** Closes the chat if it is open and `closer` may still close it (writableBy). */
  closeChat(chatId: string, closer: Actor, audit?: ChangeAudit): Promise<ChatChange | undefined>;
  /**
   * Stores the rating if the chat is `rating.userId`'s, closed since `rating.closedSince`
   * and not rated yet: of concurrent ratings exactly one is stored.
   */
  rateChat(chatId: string, rating: RatingDraft, audit?: ChatAudit): Promise<Chat | undefined>;
  /** Stores the customer's context (JSON) on the user's open chat, if they have one. */
  recordCustomerContext(userId: string, ctx: string): Promise<void>;
  /** The customer contexts stored on these chats (chats without one are absent). */
  customerContexts(chatIds: readonly string[]): Promise<Map<string, string>>;
  /** Sets `userOnline` on the user's open chat, if they have one. */
  setUserOnline(userId: string, online: boolean): Promise<Chat | undefined>;

  /** Records that `admin` connected or acted (their latest name, now): an upsert. */
  recordAdmin(admin: AdminRef): Promise<void>;
  /**
   * Whether the server knows this admin: recorded, or holding an open chat (one imported
   * from v2 names admins that may not have connected since).
   */
  isKnownAdmin(adminId: string): Promise<boolean>;
  /** The name an admin was last recorded with (undefined: never recorded). */
  knownAdminName(adminId: string): Promise<string | undefined>;
  /** The `max` admins seen most recently, newest first. */
  listKnownAdmins(max: number): Promise<SeenAdmin[]>;

  /**
   * An admin joined with their role's default `availability`: it applies unless they chose
   * before; an away default (a superadmin's) also outlasts an available one (an admin's),
   * so the same admin joining with both roles is routed to only once they choose. True when
   * the availability stored changed (or the admin had none).
   */
  joinAgent(adminId: string, availability: Availability): Promise<boolean>;
  setAgentAvailability(
    adminId: string,
    availability: Availability,
    audit?: AuditDraft,
  ): Promise<void>;
  setAgentMaxChats(adminId: string, maxChats: number, audit?: AuditDraft): Promise<void>;
  /** The known admins named, or the `max` seen most recently (newest first), with their load. */
  listAgents(which: { adminIds: readonly string[] } | { max: number }): Promise<AgentRecord[]>;

  /** The first `max` waiting chats no admin holds, oldest first (the order they are taken in). */
  waitingOrder(max: number): Promise<QueueEntry[]>;
  /** Where the chat stands among the waiting chats, read from the database (not the cache). */
  queueRank(chatId: string): Promise<QueueRank>;
  /** How long (ms) the newest `max` chats first assigned since `since` had waited. */
  recentWaits(since: string, max: number): Promise<number[]>;

  /**
   * ROUTING=auto, decided by the database: the oldest waiting chats (not locked, at most
   * `max`), each to the admin `choose` picks among these admins (online, by presence) who
   * chose available, with their active chats and maxChats (else `defaultMaxChats`) counted
   * under a lock that other nodes' assignments wait for, and each assignment counted
   * before the next. No admin goes over maxChats, whatever other nodes assign at the same
   * time, and none gets a chat who is no longer `connected` or available when it commits
   * (the chat goes to the next admin, or waits). Empty: nobody named has room, or nothing waits.
   */
  assignWaiting(
    adminIds: readonly string[],
    options: AssignOptions,
  ): Promise<{ chat: Chat; adminId: string; adminName: string }[]>;
  /**
   * ROUTING_REPLY_TIMEOUT: automatic assignments made at or before `cutoff` (at most `max`)
   * whose admin still holds the chat unlocked and has not written in it since go back to
   * the queue; each such chat, now waiting, with the admin who had it.
   */
  requeueUnanswered(cutoff: string, max: number): Promise<{ chat: Chat; fromAdminId: string }[]>;

  /**
   * Replaces the chat's labels (deduplicated, case not counting), with `audit` its entry in
   * the chat's chain in the same transaction; undefined: no such chat.
   */
  setChatLabels(
    chatId: string,
    labels: readonly string[],
    audit?: ChatAudit,
  ): Promise<Chat | undefined>;

  /** The team's canned replies and, unless null, this admin's own; `max` at most, by shortcut. */
  listCannedReplies(ownerId: string | null, max: number): Promise<CannedReplyRecord[]>;
  getCannedReply(id: string): Promise<CannedReplyRecord | undefined>;
  /** How many replies the team (ownerId ignored) or an admin's personal scope holds. */
  countCannedReplies(scope: CannedScope, ownerId: string | null): Promise<number>;
  /**
   * `shortcutTaken`: the scope and owner have a reply with this shortcut (case not
   * counting). `audit` makes the entry on the desk chain written with the change.
   */
  createCannedReply(
    fields: CannedReplyFields,
    audit?: (reply: CannedReplyRecord) => AuditDraft,
  ): Promise<CannedReplyRecord | 'shortcutTaken'>;
  /** Replaces every field; undefined: no such reply. */
  updateCannedReply(
    id: string,
    fields: CannedReplyFields,
    audit?: (reply: CannedReplyRecord) => AuditDraft,
  ): Promise<CannedReplyRecord | 'shortcutTaken' | undefined>;
  /** false: no such reply. */
  deleteCannedReply(id: string, audit?: AuditDraft): Promise<boolean>;

  /**
   * Stores the message and updates its chat in one transaction, seq = chat.lastSeq + 1,
   * if the chat is open and the sender may write to it; otherwise nothing, no seq used.
   */
  appendMessage(draft: MessageDraft): Promise<AppendResult>;
  /** v2's pages: page 1 is the newest `limit` messages, oldest first within the page. */
  historyPage(
    chatId: string,
    page: number,
    limit: number,
  ): Promise<{ messages: Message[]; total: number }>;
  /** One extra row is read to tell whether more exist in that direction. */
  historyCursor(
    chatId: string,
    cursor: HistoryCursor,
  ): Promise<{ messages: Message[]; hasMore: boolean }>;
  /**
   * Messages whose text matches and chats whose user matches (only where no message of
   * the chat does), of the chats `query.viewer` may view — decided in the query — newest
   * first, one page from `query.cursor` (search.ts).
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * Makes up to `max` appended messages searchable (SQLite: one batch transaction after
   * the append, search.ts indexPendingMessages; PostgreSQL: done in the append, 0, its
   * index's pending list merged here: postgres-search-list.ts); how many it indexed. Each
   * node's search indexer (search/indexer.ts) calls it.
   */
  indexSearch(max: number): Promise<number>;
  /**
   * Marks every unread message of `read.senderTypes` up to the chat's newest read, and
   * resets unreadCount when `read.resetUnread`. Looks only above the reader's watermark.
   */
  markRead(chatId: string, read: ReadEffect): Promise<Chat | undefined>;
}

/** The chat, or the 404 every use case answers for an unknown id. */
export async function requireChat(store: Store, chatId: string): Promise<Chat> {
  const chat = await store.getChat(chatId);
  if (!chat) throw chatNotFound(chatId);
  return chat;
}

/**
 * The chat as the database has it now, or the 404: a cached row may not yet know of a
 * transfer another node answered a moment ago (its notice comes through Redis, later), nor
 * of the chat's deletion. One primary-key read per call.
 */
export function requireCurrentChat(store: Store, chatId: string): Promise<Chat> {
  store.forgetChat(chatId);
  return requireChat(store, chatId);
}
