/**
 * Every REST route under /api, declared once: its inputs (the schemas that validate
 * them), what a success carries, the failure statuses it can answer, and a summary. The
 * routes take their Fastify schema from here (http/route-schema.ts), so the OpenAPI
 * document, the validation and the test servers' check of every reply against its schema
 * (http/reply-serializer.ts) cannot drift apart; the client types below are inferred from
 * the same table.
 */
import type { z } from 'zod';
import type { FailureEnvelope, SuccessEnvelopes } from '../envelopes.js';
import {
  AdminIdParams,
  AdminsQuery,
  AllChatsQuery,
  AuditQuery,
  AvailabilityRestBody,
  CannedReplyChangeRestBody,
  CannedReplyParams,
  CannedReplyRestBody,
  ChatIdParams,
  CloseChatBody,
  DeliveriesQuery,
  DeliveryIdParams,
  HistoryQuery,
  LabelsRestBody,
  MarkReadBody,
  MaxChatsRestBody,
  OpenChatBody,
  RateChatBody,
  ReportQuery,
  ReportSeriesQuery,
  SearchQuery,
  SendMessageBody,
  StatusBody,
  TakeChatBody,
  TransferChatBody,
  TypingBody,
  UnlockChatBody,
  UploadForm,
  UserIdParams,
  WaitingQuery,
} from './inputs.js';
import {
  AdminListReply,
  AgentListReply,
  AgentReply,
  AuditListReply,
  CannedReplyListReply,
  CannedReplyReply,
  ChatListReply,
  ChatReply,
  DeliveryListReply,
  DeliveryReply,
  DeskReply,
  EmptyReply,
  HistoryReply,
  LabelsReply,
  OpenChatReply,
  PresenceReply,
  QueueReply,
  RatingReply,
  type ReplySchema,
  ReportAgentsReply,
  ReportSeriesReply,
  ReportSummaryReply,
  SearchReply,
  SendReply,
  UploadReply,
  UserErasureReply,
  UserExportReply,
} from './replies.js';
import { TranscriptQuery, TranscriptReply } from './transcript.js';

/** A failure status a route can answer; each has its envelope and example in the OpenAPI document. */
export type FailureStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 503;

interface RestRoute {
  tag:
    | 'chats'
    | 'messages'
    | 'presence'
    | 'admins'
    | 'attachments'
    | 'agents'
    | 'audit'
    | 'labels'
    | 'canned-replies'
    | 'webhooks'
    | 'users'
    | 'desk'
    | 'reports'
    | 'search';
  /** Answers anyone, signed in or not: no bearer token, never 401 or 403. */
  public?: true;
  summary: string;
  description?: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  reply: ReplySchema;
  /** Also answers `text/csv` (a string) when asked with `?format=csv`. */
  csv?: true;
  /** Also answers `text/html` (a page) when asked with `?format=html`. */
  html?: true;
  /**
   * A `multipart/form-data` body (the upload's): in the OpenAPI document only, since the
   * route reads the form as it streams in and checks its fields itself.
   */
  form?: z.ZodType;
  /** Beyond these, every route can answer 400, 401, 403, 429 and 503. */
  also: readonly FailureStatus[];
}

/** Any body can be too large or of another type: a route without one still reads it. */
const BODY: readonly FailureStatus[] = [413, 415];

export const REST_ROUTES = {
  'POST /api/chats': {
    tag: 'chats',
    summary: "Open the user's chat",
    description:
      "Returns the user's chat that is not closed, or creates one (`waiting`, `isNew: true`, and `new-chat` to the `admins` room). While an erasure of the user runs (`DELETE /api/users/:userId`, on any node) no chat is created: `409 ERASURE_IN_PROGRESS`.",
    body: OpenChatBody,
    reply: OpenChatReply,
    also: [409, ...BODY],
  },
  'GET /api/chats/user/:userId': {
    tag: 'chats',
    summary: "A user's chats",
    description:
      "The user's chats, newest activity first; at most 200, the most recently opened. The user or a superadmin: the user's reply has no `labels` or `ctx`, a superadmin's token gets them as admins do.",
    params: UserIdParams,
    reply: ChatListReply,
    also: [],
  },
  'GET /api/chats/waiting': {
    tag: 'chats',
    summary: 'The queue',
    description:
      'Waiting, unassigned chats, oldest first (at most 200); an admin does not see chats locked by another admin. Admins only.',
    querystring: WaitingQuery,
    reply: ChatListReply,
    also: [],
  },
  'GET /api/chats/admin/:adminId': {
    tag: 'chats',
    summary: "An admin's chats",
    description:
      'Chats assigned to the admin and not closed, newest activity first; at most 200, the most recently opened. That admin or a superadmin.',
    params: AdminIdParams,
    reply: ChatListReply,
    also: [],
  },
  'GET /api/chats/all': {
    tag: 'chats',
    summary: 'Every chat',
    description:
      'Every chat, optionally of one status and carrying one label (`?label=`, case does not count), newest activity first; at most 200, the most recently opened. Superadmins only.',
    querystring: AllChatsQuery,
    reply: ChatListReply,
    also: [],
  },
  'GET /api/search': {
    tag: 'search',
    summary: 'Search messages and chats',
    description:
      'Messages whose text matches `q` (every word; a word of letters also as a prefix, a word of digits exactly, a word with inner punctuation such as ORD-2024-88812734 as its parts in order; any case, any script; apostrophes ignored) and chats whose user id equals `q` or whose user name matches it (listed first, only when none of their messages match), newest first, in the chats the caller may view. `q` is text, never a query language. Filters: chat `status`; `from`/`to` (ISO instants) on when the message was written; `label` keeps the chats carrying it (case does not count). Pages of `limit` (default 20, at most 50) results; `nextCursor` gives the next. Admins and superadmins only; with AUTH_MODE=none the query names the admin asking. See docs/protocol.md "Search".',
    querystring: SearchQuery,
    reply: SearchReply,
    also: [],
  },
  'GET /api/chats/:chatId/queue': {
    tag: 'chats',
    summary: "A waiting chat's place in the queue",
    description:
      'Where the chat stands among the waiting chats (oldest first; `position` 1 is taken next), how many wait, and an estimate of the wait (as `queue-position`). A chat that no longer waits answers `position: null` and `estimatedWaitSeconds: null`. Who may view the chat: its user, an admin whose queue shows it, a superadmin.',
    params: ChatIdParams,
    reply: QueueReply,
    also: [404],
  },
  'GET /api/chats/:chatId/transcript': {
    tag: 'chats',
    summary: "A chat's transcript, to keep",
    description:
      "Every message of the chat in `seq` order (time, sender, text as stored: card numbers masked, attachments by name and download path), and `auditHash`, the hash of the last entry of the chat's audit chain when the copy was made, to compare a copy with the log later. `?format=json` (the default) answers this envelope; `?format=html` a standalone page (`text/html`, every text escaped) to keep or print. Both are downloads (`Content-Disposition: attachment`), streamed: any length of chat. Who may view the chat (as history); an admin's copy also has the internal notes (`notes`, `withNotes: true`), a user's never. An unknown format: `400` naming it.",
    params: ChatIdParams,
    querystring: TranscriptQuery,
    reply: TranscriptReply,
    html: true,
    also: [404],
  },
  'POST /api/chats/assign': {
    tag: 'chats',
    summary: 'Take a chat',
    description:
      'Assigns the chat to the calling admin and makes it `active`. Of two admins taking one chat at once exactly one wins; the other gets `409 CHAT_TAKEN` with `assignedTo` and `assignedAdminId`. Taking a chat you hold already is a success that changes nothing.',
    body: TakeChatBody,
    reply: ChatReply,
    also: [404, 409, ...BODY],
  },
  'POST /api/chats/lock': {
    tag: 'chats',
    summary: 'Take and lock a chat',
    description:
      "As assign, and the chat is marked locked by the caller: the lock goes with the chat when it is transferred (to the new holder) and ends when it is unlocked (returned to the queue). A waiting chat locked by another admin (as v2 could leave one) is not in an admin's queue and cannot be taken by them.",
    body: TakeChatBody,
    reply: ChatReply,
    also: [404, 409, ...BODY],
  },
  'POST /api/chats/transfer': {
    tag: 'chats',
    summary: 'Transfer a chat to another admin',
    description:
      'The assignee (or a superadmin, naming the assignee as `fromAdminId`) hands the chat, and its lock, to `toAdminId`, who must be an admin the server knows (`GET /api/admins`); any other id is `404 ADMIN_NOT_FOUND` and changes nothing.',
    body: TransferChatBody,
    reply: ChatReply,
    also: [404, 409, ...BODY],
  },
  'POST /api/chats/unlock': {
    tag: 'chats',
    summary: 'Unlock a chat',
    description:
      'The assignee or a superadmin: unlocks and unassigns the chat, which waits in the queue again.',
    body: UnlockChatBody,
    reply: ChatReply,
    also: [404, 409, ...BODY],
  },
  'PATCH /api/chats/:chatId/close': {
    tag: 'chats',
    summary: 'Close a chat',
    description:
      "The assignee, a superadmin or the chat's user. Idempotent: closing a closed chat answers 200 and emits nothing. The body is optional.",
    params: ChatIdParams,
    body: CloseChatBody,
    reply: ChatReply,
    also: [404, ...BODY],
  },
  'POST /api/chats/:chatId/rating': {
    tag: 'chats',
    summary: 'Rate a closed chat (CSAT)',
    description:
      "The chat's user rates it once, within `ratingWindowSeconds` (7 days) of its closing: `score` a whole number 1-5, `comment` optional (at most 1000 characters, card numbers masked, blank is none). An open chat: `409 CHAT_NOT_CLOSED`; rated already (also by a concurrent request: exactly one wins): `409 ALREADY_RATED`; too late: `409 RATING_EXPIRED`; anyone else, admins included: `403`. Emits `chat-rated` to the chat's last assignee and `admins`. With AUTH_MODE=none the body's `userId` names the user.",
    params: ChatIdParams,
    body: RateChatBody,
    reply: RatingReply,
    also: [404, 409, ...BODY],
  },
  'GET /api/admins': {
    tag: 'admins',
    summary: 'The admins the server knows',
    description:
      'Every admin who has connected (`join-admin`) or acted (taken, transferred, listed…), and those that chats named when the server was upgraded: connected ones first, then by when they were last seen; at most 200. What a transfer may name as `toAdminId` (any other id is `404 ADMIN_NOT_FOUND`). Admins only; with AUTH_MODE=none the query names the admin asking.',
    querystring: AdminsQuery,
    reply: AdminListReply,
    also: [],
  },
  'GET /api/agents': {
    tag: 'agents',
    summary: 'Every agent with availability and load',
    description:
      'The admins the server knows (as `GET /api/admins`, connected first) with whether they are connected on any node, the availability they chose, their active chats and `maxChats`. Admins only; with AUTH_MODE=none the query names the admin asking. `agent-status` carries every change of these fields.',
    querystring: AdminsQuery,
    reply: AgentListReply,
    also: [],
  },
  'POST /api/agents/availability': {
    tag: 'agents',
    summary: "Set the caller's availability",
    description:
      "As `set-availability`: the calling admin is `available` or `away`; the choice is remembered across connections and sent as `agent-status` to `admins`. Admins only; with AUTH_MODE=none the query or the body (`adminId`, `isSuperAdmin`, as v2's routes take them; both, they must agree) names the admin.",
    querystring: AdminsQuery,
    body: AvailabilityRestBody,
    reply: AgentReply,
    also: BODY,
  },
  'GET /api/audit': {
    tag: 'audit',
    summary: 'The audit log, newest first',
    description:
      'Every recorded change of state (see the data protection docs), filtered by chat, actor, action and time (`[from, to)`; a `from` not before `to`: `400` naming `from`), in pages of `limit` (default 50, at most 200) with `cursor`. Superadmins only: without a token `401`, other roles `403`. Nothing can change or delete an entry; `npm run audit:verify` checks the hash chains.',
    querystring: AuditQuery,
    reply: AuditListReply,
    also: [],
  },
  'GET /api/webhooks/deliveries': {
    tag: 'webhooks',
    summary: 'Webhook deliveries by status (default: failed)',
    description:
      'The outbox as receivers see it: `failed` ones were retried for 24 h and given up; `pending` ones wait for their next attempt. Superadmins only.',
    querystring: DeliveriesQuery,
    reply: DeliveryListReply,
    also: [],
  },
  'POST /api/webhooks/deliveries/:id/retry': {
    tag: 'webhooks',
    summary: 'Send a failed delivery again',
    description:
      'The delivery is pending again at once, with the same `webhook-id`, and the retry is recorded in the audit log (`webhook.retried`). Superadmins only; `404 DELIVERY_NOT_FOUND` when no failed delivery has this id.',
    params: DeliveryIdParams,
    querystring: AdminsQuery,
    reply: DeliveryReply,
    also: [404, ...BODY],
  },
  'GET /api/users/:userId/export': {
    tag: 'users',
    summary: 'Everything stored about a user, as JSON',
    description:
      "The user's chats (by id) with their messages in seq order, attachments' metadata with signed download paths, ratings, customer context and, for a superadmin, labels and internal notes. A superadmin exports anyone; a user (token subject = `userId`) themself, without notes or labels; others `403`, no token `401`. A user without a chat whom an upload or audit entries still name is exported with `chats: []`; `404 USER_NOT_FOUND` when nothing stored names the user. Streamed a page at a time (bounded memory); recorded in the audit log (`user.exported`). With AUTH_MODE=none the query names the admin asking.",
    params: UserIdParams,
    querystring: AdminsQuery,
    reply: UserExportReply,
    also: [404],
  },
  'DELETE /api/users/:userId': {
    tag: 'users',
    summary: "Erase a user's data (keeps counts and the audit log)",
    description:
      "Superadmins only. Closes the user's open chat, overwrites every message text and note of their chats and the user's name with `[erased]`, drops their customer context and rating comments (scores stay), deletes their attachments (bytes and records) and pending webhook deliveries, replaces their id on chats, messages and audit entries by its pseudonym (the audit chains still verify), writes `user.erased` and disconnects their sockets. Seqs and counts stay. From its start until their sockets are disconnected, no chat is opened for the user and no upload of theirs stored, on any node (`409 ERASURE_IN_PROGRESS`). A repeated erasure answers `200` with `alreadyErased: true`, whether the user had chats or not; one sent while another erasure of the user still runs, on any node: `409 ERASURE_IN_PROGRESS`; an id nothing stored names `404 USER_NOT_FOUND`.",
    params: UserIdParams,
    querystring: AdminsQuery,
    reply: UserErasureReply,
    also: [404, 409, ...BODY],
  },
  'PUT /api/agents/:adminId': {
    tag: 'agents',
    summary: "Set an agent's maxChats",
    description:
      'A superadmin sets how many active chats the admin may hold at once (an integer from 0 to 100; else `400`). The admin must be known to the server (`404 ADMIN_NOT_FOUND`). With AUTH_MODE=none the query or the body (`adminId`, `isSuperAdmin`; both, they must agree) names the superadmin asking.',
    params: AdminIdParams,
    querystring: AdminsQuery,
    body: MaxChatsRestBody,
    reply: AgentReply,
    also: [404, ...BODY],
  },
  'PUT /api/chats/:chatId/labels': {
    tag: 'labels',
    summary: "Set a chat's labels",
    description:
      'Replaces the whole set (`[]` removes every label). Admins who may view the chat; a user: `403`. Each label is trimmed and must then be 1 to 50 characters on one line; repeats that differ only in case are dropped (the first spelling kept); at most 20 remain, else `400` naming the rule. `chat-labels {chatId, labels}` goes to `admins`. With AUTH_MODE=none the query or the body (`adminId`, `isSuperAdmin`; both, they must agree) names the admin asking.',
    params: ChatIdParams,
    querystring: AdminsQuery,
    body: LabelsRestBody,
    reply: LabelsReply,
    also: [404, ...BODY],
  },
  'GET /api/canned-replies': {
    tag: 'canned-replies',
    summary: 'Canned replies',
    description:
      "The team's canned replies and the caller's personal ones, by shortcut. Admins only; with AUTH_MODE=none the query names the admin asking.",
    querystring: AdminsQuery,
    reply: CannedReplyListReply,
    also: [],
  },
  'POST /api/canned-replies': {
    tag: 'canned-replies',
    summary: 'Create a canned reply',
    description:
      "A personal reply (the default scope) belongs to the calling admin; a team reply is written by superadmins only (`403`). The shortcut is unique within the scope (the caller's own, or the team's), case not counting: `409 CANNED_SHORTCUT_TAKEN`. At most `cannedRepliesMax` per admin and for the team: `409 CANNED_REPLIES_FULL`.",
    querystring: AdminsQuery,
    body: CannedReplyRestBody,
    reply: CannedReplyReply,
    also: [409, ...BODY],
  },
  'PUT /api/canned-replies/:id': {
    tag: 'canned-replies',
    summary: 'Change a canned reply',
    description:
      "Replaces shortcut, title, content and, when given, scope (left out, the reply keeps its own). Another admin's personal reply is `404`; a team reply, or a move to the team, needs a superadmin (`403`). A shortcut used in the target scope: `409 CANNED_SHORTCUT_TAKEN`.",
    params: CannedReplyParams,
    querystring: AdminsQuery,
    body: CannedReplyChangeRestBody,
    reply: CannedReplyReply,
    also: [404, 409, ...BODY],
  },
  'DELETE /api/canned-replies/:id': {
    tag: 'canned-replies',
    summary: 'Delete a canned reply',
    description:
      "Answers the deleted reply. Another admin's personal reply is `404`; a team reply needs a superadmin (`403`).",
    params: CannedReplyParams,
    querystring: AdminsQuery,
    reply: CannedReplyReply,
    also: [404, ...BODY],
  },
  'GET /api/messages/:chatId': {
    tag: 'messages',
    summary: "A chat's messages",
    description:
      "v2 pages (`?page=1` is the newest `limit` messages) or a cursor: `?after=<seq>` gives the next `limit` messages after it (catching up after a reconnect), `?before=<seq>` the `limit` before it. `limit` defaults to 50, at most 200. Every page is oldest first. A reply also holds at most `historyPageMaxBytes` of messages as JSON: a page cut to it keeps its newest messages, a cursor read the end it goes on from, with `hasMore: true`. `?includeNotes=1` (admins only; a user: `403`) adds the internal notes placed among the page's messages as a separate `notes` array.",
    params: ChatIdParams,
    querystring: HistoryQuery,
    reply: HistoryReply,
    also: [404],
  },
  'POST /api/messages': {
    tag: 'messages',
    summary: 'Send a message',
    description:
      "Answers once the message is stored. Without `chatId` a user's message goes to their open chat (created if none; not while an erasure of the user runs: `409 ERASURE_IN_PROGRESS`). A retry with the same `clientMessageId` answers the stored message and delivers nothing again. With `internal: true` an admin who may view the chat writes an internal note instead: text only, stored apart from the messages (no `seq`, not the chat's `lastMessage`, no unread count), answered as `{success, note}` and sent as `note-added` to admins only; from a user: `403`.",
    body: SendMessageBody,
    reply: SendReply,
    also: [404, 409, ...BODY],
  },
  'POST /api/messages/read': {
    tag: 'messages',
    summary: 'Mark messages read',
    description:
      "Marks the other side's messages read; an admin's read sets `unreadCount` to 0. Emits `messages-read` to the chat room.",
    body: MarkReadBody,
    reply: ChatReply,
    also: [404, ...BODY],
  },
  'POST /api/messages/typing': {
    tag: 'messages',
    summary: 'Typing indicator',
    description: 'Nothing is stored; `typing` goes to the chat room.',
    body: TypingBody,
    reply: EmptyReply,
    also: [404, ...BODY],
  },
  'POST /api/attachments': {
    tag: 'attachments',
    summary: 'Upload an attachment',
    description:
      "A `multipart/form-data` body with one part `file` and optionally the fields `chatId` (an existing chat the caller may write to; without it the upload is the uploader's until a message uses it) and, with AUTH_MODE=none, v2's `senderId`, `senderType`, `senderName`, all before the file part (a field after it: `400`). The type is decided by the content: PNG, JPEG, GIF, WebP, PDF or plain UTF-8 text (`415 ATTACHMENT_TYPE` otherwise, or when the declared type or extension contradicts it). Over `ATTACHMENT_MAX_BYTES`: `413` without reading the rest. Not bound by the whole-request timeout: an upload is refused (`408 ATTACHMENT_TIMEOUT`, connection closed) only when no byte arrived for `ATTACHMENT_UPLOAD_IDLE_MS`, when its average rate after `ATTACHMENT_UPLOAD_GRACE_MS` is below `ATTACHMENT_UPLOAD_MIN_RATE`, or after `ATTACHMENT_UPLOAD_MAX_MS`, counting only the time the node was willing to read (each wait up to its chunk's time at the minimum rate): all uploads of a node together are read at most `ATTACHMENT_UPLOAD_BYTES_PER_SECOND`, taking turns. While an erasure of the uploading user runs (`DELETE /api/users/:userId`, on any node) nothing is stored: `409 ERASURE_IN_PROGRESS`, before the file is read, or as its record would be stored (its bytes are deleted then). Images are stored without their metadata, with a thumbnail. Send it with `attachmentId` in `POST /api/messages` or `send-message`. Download with `GET` of `url` / `thumbnailUrl` (signed links, no header needed; the bare path with an `Authorization` header of someone who may view the chat): the bytes, with `Content-Type`, `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox; default-src 'none'`, `Content-Disposition` (`attachment` but for images) and `Cache-Control: private`.",
    form: UploadForm,
    reply: UploadReply,
    also: [404, 408, 409, 413, 415, 422],
  },
  'GET /api/desk': {
    tag: 'desk',
    public: true,
    summary: 'Whether the desk is open and agents are there',
    description:
      'For anyone (the widget asks before a user signs in or writes): whether `BUSINESS_HOURS` has the desk open now, when it next opens, and how many agents are connected and available. Outside hours or with no agent available a chat is still taken: it waits and is answered when someone is there. Each node reuses its answer for `deskStatusCacheMs`.',
    reply: DeskReply,
    also: [],
  },
  'GET /api/reports/summary': {
    tag: 'reports',
    csv: true,
    summary: 'Desk report: volume, times, messages and CSAT of a period',
    description:
      'Over the chats created in [`from`, `to`) (default: the last 30 days; at most `reportRangeMaxDays`, a reversed or longer range is `400 REPORT_RANGE`): how many were opened, closed and missed (closed while never assigned), the waiting, first response and resolution times in seconds as `{median, p90, mean}` (null: no chat had one; missed chats count in no time), the user and admin messages (never notes or system messages) and the ratings. `?adminId=` counts only the chats counted for that admin (assigned to them when closed, or now). Superadmins: anyone; an admin: their own (another admin: `403`); a user: `403`. `?format=csv`: one header row of the field names (`chats.opened`, `waiting.median`, …) and one row. Definitions with a worked example: docs/reports.md.',
    querystring: ReportQuery,
    reply: ReportSummaryReply,
    also: [],
  },
  'GET /api/reports/timeseries': {
    tag: 'reports',
    csv: true,
    summary: 'Desk report: one metric per hour or day',
    description:
      '`metric` (`opened`, `closed`, `firstResponse`: the median in seconds, `csat`: the average rating) of the chats created in each bucket, one point per bucket (`at`: its start as an ISO instant, every bucket present, empty ones `0`). Buckets are the hours or days (`interval`, default `day`) of `timezone` (an IANA zone, default UTC; DST-correct: a day may last 23 or 25 hours); the first is the one holding `from`, the last the one holding the instant before `to`. At most `reportDayRangeMaxDays` of days or `reportHourRangeMaxDays` of hours (else `400 REPORT_RANGE`). Who may ask as for the summary. `?format=csv`: `at,value`.',
    querystring: ReportSeriesQuery,
    reply: ReportSeriesReply,
    also: [],
  },
  'GET /api/reports/agents': {
    tag: 'reports',
    csv: true,
    summary: 'Desk report: per admin',
    description:
      'For each admin with chats created in [`from`, `to`) counted for them (assigned to them when closed, or now): how many, the median first response and resolution in seconds, the average rating (null: none). Superadmins see every admin; an admin only their own row (`?adminId=` of another: `403`); a user: `403`. `?format=csv`: a header row of the field names, one row per admin.',
    querystring: ReportQuery,
    reply: ReportAgentsReply,
    also: [],
  },
  'POST /api/status': {
    tag: 'presence',
    summary: "Set a user's presence",
    description:
      "Sets `userOnline` on the user's open chat and tells its assignee (or the admins) with `user-status`.",
    body: StatusBody,
    reply: PresenceReply,
    also: BODY,
  },
} as const satisfies Record<string, RestRoute>;

export type RestRouteKey = keyof typeof REST_ROUTES;

type Route<K extends RestRouteKey> = (typeof REST_ROUTES)[K];
type Input<K extends RestRouteKey, P extends 'body' | 'querystring' | 'params'> =
  Route<K> extends Record<P, infer S extends z.ZodType> ? z.input<S> : never;

/** The path parameters of each route, as an object (`never`: none). */
export type RestParams = { [K in RestRouteKey]: Input<K, 'params'> };
/** What a client sends as the JSON body of each route (`never`: no body). */
export type RestBodies = { [K in RestRouteKey]: Input<K, 'body'> };
/** The query string of each route, as an object (`never`: none). */
export type RestQueries = { [K in RestRouteKey]: Input<K, 'querystring'> };
/** What each route answers: the success envelope, or the failure envelope. */
export type RestReplies = {
  [K in RestRouteKey]: SuccessEnvelopes<z.output<Route<K>['reply']>> | FailureEnvelope;
};
/** What each route answers when it succeeds. */
export type RestSuccess<K extends RestRouteKey> = Extract<RestReplies[K], { success: true }>;
