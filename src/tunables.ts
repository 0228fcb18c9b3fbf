/**
 * Every limit and tunable of the server in one catalogue, like the error catalogue: each
 * with its value, its unit, why that value (with what was measured, where something was),
 * and its environment override where there is one. The code reads each value from here;
 * src/config.ts reads the overrides from OVERRIDABLE, so an overridable tunable is one
 * entry. docs/tunables.md, the limits tables of docs/protocol.md and docs/security.md and
 * .env.example's overrides are generated from it (`npm run docs:tunables`).
 *
 * The wire contract's bounds are defined once, by the schemas (LIMITS): their entries
 * here only refer to them, so that they are listed and explained with the rest.
 */
import { MAX_STORED_INT } from './schemas/inputs.js';
import { LIMITS } from './schemas/shapes.js';

export type Unit =
  | 'bytes'
  | 'bytes per second'
  | 'count'
  | 'characters'
  | 'messages'
  | 'packets'
  | 'entries'
  | 'batches'
  | 'chats'
  | 'documents'
  | 'reads'
  | 'connections'
  | 'ms'
  | 'seconds'
  | 'days'
  | 'per second'
  | 'at once'
  | 'percent';

/** What an environment variable may set a tunable to (src/config.ts refuses anything else). */
export type Accepts =
  /** Any number above zero (a rate of 0.5/s is one every two seconds). */
  | { kind: 'positive' }
  /** A whole number in [min, max]. */
  | { kind: 'whole'; min: number; max: number };

export interface Override {
  env: string;
  accepts: Accepts;
  /** The default with NODE_ENV=production, where it differs from `value`. */
  production?: number;
}

/** Where a tunable acts: docs/tunables.md lists them by area. */
export type Area =
  | 'contract'
  | 'rates'
  | 'connections'
  | 'cluster'
  | 'store'
  | 'tokens'
  | 'process'
  | 'import'
  | 'attachments'
  | 'routing'
  | 'csat'
  | 'reports'
  | 'tools'
  | 'webhooks'
  | 'privacy';

export interface Tunable {
  value: number;
  unit: Unit;
  area: Area;
  /** One sentence: why this value. */
  reason: string;
  override?: Override;
  /** Part of the wire contract: defined by the schemas, and clients may rely on it. */
  contract?: true;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** What a client may recover after a dropped transport, on one node and through Redis alike. */
const RECOVERABLE_BROADCASTS = 20_000;
/** After a SIGTERM's drain, the time the process gives everything to close. */
const SHUTDOWN_DEADLINE_MS = 10_000;

export const TUNABLES = {
  // ---- The wire contract (defined by src/schemas/shapes.ts) ------------------------------
  bodyBytes: {
    value: LIMITS.bodyBytes,
    unit: 'bytes',
    area: 'contract',
    reason:
      'A REST body or a socket frame: room for the longest message in UTF-8 (up to 4 bytes a character) and its other fields; the transport refuses a larger one before it is parsed.',
    contract: true,
  },
  contentChars: {
    value: LIMITS.contentChars,
    unit: 'characters',
    area: 'contract',
    reason:
      'A message is a support conversation turn, not a document: longer texts go in a file (fileUrl).',
    contract: true,
  },
  idChars: {
    value: LIMITS.idChars,
    unit: 'characters',
    area: 'contract',
    reason:
      "Every id a client gives (userId, adminId, chatId, clientMessageId, a token's sub): longer than any id the apps mint, short enough to index cheaply.",
    contract: true,
  },
  nameChars: {
    value: LIMITS.nameChars,
    unit: 'characters',
    area: 'contract',
    reason:
      "A person's display name; longer names are cut, never refused, where they come from a token.",
    contract: true,
  },
  urlChars: {
    value: LIMITS.urlChars,
    unit: 'characters',
    area: 'contract',
    reason: 'A fileUrl: the length browsers and CDNs reliably accept.',
    contract: true,
  },
  pathParamChars: {
    value: LIMITS.pathParamChars,
    unit: 'characters',
    area: 'contract',
    reason:
      "What the router accepts in one path segment: longer than any valid id, so an over-long id is a 400 naming the field rather than the router's bare 404.",
    contract: true,
  },
  historyMaxLimit: {
    value: LIMITS.historyMaxLimit,
    unit: 'messages',
    area: 'contract',
    reason:
      'The most messages one history page or cursor read answers: a few milliseconds of the event loop.',
    contract: true,
  },
  historyDefaultLimit: {
    value: LIMITS.historyDefaultLimit,
    unit: 'messages',
    area: 'contract',
    reason: 'A history page when `limit` is not given: a screenful and then some.',
    contract: true,
  },
  historyPageMaxBytes: {
    value: MiB,
    unit: 'bytes',
    area: 'contract',
    reason:
      "The most a history page or cursor read answers in JSON's bytes: texts may hold control characters, which JSON writes as 6-byte `\\u00XX` escapes, and 200 messages of 10,000 of them were a 12 MB reply, 81-90 ms of CPU per read (9-10 ms cut to 1 MiB); a page of 200 ordinary messages is ~70 KB, and 1 MiB still holds a default page (50) of the longest plain-text messages, so only pages of very long or escape-heavy texts are cut (src/messages/reply-bytes.ts).",
  },
  lastMessagePreviewChars: {
    value: LIMITS.lastMessagePreviewChars,
    unit: 'characters',
    area: 'contract',
    reason: "A chat's `lastMessage` is a preview for a list, cut at this many code points.",
    contract: true,
  },

  queryIntegerMax: {
    value: MAX_STORED_INT,
    unit: 'count',
    area: 'contract',
    reason:
      "The largest whole number a query (page, limit, after, before) may give: the largest both stores keep in seq (PostgreSQL's int4).",
    contract: true,
  },

  chatListMax: {
    value: 200,
    unit: 'chats',
    area: 'contract',
    reason:
      'The most chats one list answer holds: a reply of 20,000 chats took 74 ms of the event loop to read (SQLite) and more to send, and reading a chat row alone costs ~8 µs; more than a console shows at once, and the lists find them in index order, so a list costs the same (~2 ms) with any number of chats.',
  },
  historyNotesMax: {
    value: 500,
    unit: 'entries',
    area: 'contract',
    reason:
      "The most internal notes one history page carries (`includeNotes=1`), the oldest first: far more than agents write beside 200 messages, and the page costs the same however many notes a chat holds (one index range of the chat's notes).",
  },
  transcriptPageRows: {
    value: 500,
    unit: 'entries',
    area: 'contract',
    reason:
      "How many messages (and, in an admin's copy, notes) a transcript reads from the store at a time while it streams: the download never holds more than one such page (and the socket's buffer), so a chat of 100k messages costs no more memory than one of 500; 500 rows is a few hundred KB at the longest texts, and each page is one index range of the chat.",
  },
  knownAdminsListMax: {
    value: 200,
    unit: 'entries',
    area: 'contract',
    reason:
      'The most admins `GET /api/admins` answers, the most recently seen first: more than a transfer picker can show, and the list costs the same however many admins the server ever saw.',
  },

  // ---- Rates (fixed windows per identity, src/limits/rate-limiter.ts) --------------------
  messagesPerSecond: {
    value: 10,
    unit: 'per second',
    area: 'rates',
    reason:
      'Message sends per identity, REST and socket together: faster than anyone types, slower than a script flooding a chat.',
    override: { env: 'RATE_LIMIT_MESSAGES_PER_SECOND', accepts: { kind: 'positive' } },
  },
  messagesBurst: {
    value: 30,
    unit: 'at once',
    area: 'rates',
    reason:
      'A pasted list or a client resending what it queued while offline goes through at once.',
    override: { env: 'RATE_LIMIT_MESSAGES_BURST', accepts: { kind: 'positive' } },
  },
  typingPerSecond: {
    value: 5,
    unit: 'per second',
    area: 'rates',
    reason:
      'Typing indicators: generous for any well-behaved client (they send one every few keystrokes).',
  },
  typingBurst: {
    value: 20,
    unit: 'at once',
    area: 'rates',
    reason: 'Typing indicators after a quiet spell: generous for any well-behaved client.',
  },
  eventsPerSecond: {
    value: 30,
    unit: 'per second',
    area: 'rates',
    reason:
      'Socket events of every kind (joins, reads, pings included): well above what a console or widget sends.',
  },
  eventsBurst: {
    value: 100,
    unit: 'at once',
    area: 'rates',
    reason: 'A reconnecting console joins its chats and marks them read at once.',
  },
  socketRefusalsBeforeDisconnect: {
    value: 500,
    unit: 'count',
    area: 'rates',
    reason:
      "Socket events refused in a row for the events budget before the socket is disconnected (an error event says why). Each refusal still costs the node its answer, 45-70 µs measured, which every other socket waits for: 10,000 events sent without pause delayed another user's ack by 0.5-0.7 s. A client that waits retryAfterMs is never near it (a console or widget sends a few events a second); a flood is cut after ~30 ms of the node's time.",
  },
  requestsPerSecond: {
    value: 50,
    unit: 'per second',
    area: 'rates',
    reason: 'REST requests in general: well above what a page or an admin panel makes.',
  },
  requestsBurst: {
    value: 200,
    unit: 'at once',
    area: 'rates',
    reason: 'An admin panel loading a page of chats with their details at once.',
  },
  readsPerSecond: {
    value: 5,
    unit: 'per second',
    area: 'rates',
    reason:
      'History and chat-list reads per identity: one answers up to 200 messages or chats (2-5 ms of the event loop each), so 50/s of them was most of a core; 5/s is a console paging back through history faster than anyone reads it.',
  },
  readsBurst: {
    value: 10,
    unit: 'at once',
    area: 'rates',
    reason:
      "A reconnect's lists and a few catch-up pages at once; every burst comes back after a quiet spell, so it is kept small: at 30, one identity's reads at its budget moved others' send p99 past twice its own on PostgreSQL (the read-cost test).",
  },
  readsBurstWithoutTokens: {
    value: 30,
    unit: 'at once',
    area: 'rates',
    reason:
      "With AUTH_MODE=none every console on one address shares one budget: a console's start reads its 3 lists, the agents and the canned replies, then its open chat's page, ~6 points, so four starting together ~24, with room for the demo widget's chat and a search; 10 refused the third console. The long-run rate stays readsPerSecond.",
  },
  readPointChars: {
    value: 65_536,
    unit: 'characters',
    area: 'rates',
    reason:
      "What one point of the reads budget buys: a read costs a point per this many characters of its JSON reply (at least one, taken on arrival; the rest once the reply is made, and past the window a debt the rate earns back), so the budget bounds each identity's reading work, not its count of reads. Making and sending a reply costs about its length, known only once it is made. A page of 50 messages or a short list costs 1; a full page of 200 ordinary messages or a list of 200 chats (~75-80 KB) 2; the largest history page (historyPageMaxBytes) 16.",
  },
  uploadsPerSecond: {
    value: 0.2,
    unit: 'per second',
    area: 'rates',
    reason:
      'Attachment uploads per identity (one every 5 s sustained): each costs a sniff, an image re-encode on the thread pool and up to ATTACHMENT_MAX_BYTES of writes; a person sends a few screenshots, not a stream of them.',
  },
  uploadsBurst: {
    value: 10,
    unit: 'at once',
    area: 'rates',
    reason: 'A handful of screenshots or statement pages attached one after another.',
  },
  connectionsPerSecond: {
    value: 5,
    unit: 'per second',
    area: 'rates',
    reason:
      'New connections per client IP: each handshake costs a session; an office behind one address still connects.',
  },
  connectionsBurst: {
    value: 30,
    unit: 'at once',
    area: 'rates',
    reason: 'Many tabs, or a whole office behind one NAT, reconnecting after a network blip.',
  },

  // ---- What one connection or the server holds (src/realtime, src/http) ------------------
  slowReaderMaxBytes: {
    value: 4 * MiB,
    unit: 'bytes',
    area: 'connections',
    reason:
      'What may wait for one connection that does not read before it is closed: a full group-commit batch of typical messages (256 × ~2 KB, each a message and a notification) is ~1 MB in one turn for one admin, so 4 MiB leaves room for bursts to a reader that keeps up; one cut by mistake reconnects and recovers what it missed.',
  },
  slowReaderMaxPackets: {
    value: 10_000,
    unit: 'packets',
    area: 'connections',
    reason:
      "The same in packets waiting in engine.io's write buffer (each costs an object besides its bytes, so many tiny typing packets are capped too): far above the ~770 packets one batch can send to one socket.",
  },
  headersTimeoutMs: {
    value: 10_000,
    unit: 'ms',
    area: 'connections',
    reason:
      "How long a client may take to send a request's headers: a trickled request otherwise holds a connection for minutes (Fastify turns Node's timeout off).",
  },
  requestTimeoutMs: {
    value: 15_000,
    unit: 'ms',
    area: 'connections',
    reason:
      'How long a client may take to send a whole request (headers and body): still lets a 64 KiB body through at ~4.5 KB/s; long-polls held open by the server, idle keep-alives and WebSockets are not subject to it, nor are attachment uploads, which have their own progress watchdog (attachmentUpload*). headersTimeoutMs never exceeds it.',
    override: {
      env: 'REQUEST_TIMEOUT_MS',
      accepts: { kind: 'whole', min: 1_000, max: 300_000 },
    },
  },
  connectionsCheckIntervalMs: {
    value: 1_000,
    unit: 'ms',
    area: 'connections',
    reason:
      'How often Node checks those timeouts (30 s by default): a trickled request is cut after at most the timeout + this, and each check walks only the connections with a request in progress.',
  },
  recoveryWindowMs: {
    value: 2 * 60 * 1000,
    unit: 'ms',
    area: 'connections',
    reason:
      'A client back within this long after a dropped connection gets its rooms and the events it missed (connection-state recovery); one away longer catches up over REST.',
  },
  recoveryMaxPackets: {
    value: RECOVERABLE_BROADCASTS,
    unit: 'packets',
    area: 'connections',
    reason:
      'Recent broadcasts kept for recovery: at ~2 broadcasts per message, they cover the 2-minute window up to ~80 messages/s.',
  },
  recoveryMaxStreamEntries: {
    value: 2_000,
    unit: 'entries',
    area: 'connections',
    reason:
      "With Redis, the stream entries (every node's broadcasts, ~2 per message) a node reads at most to recover one reconnecting client; one away through more catches up over REST. Recovery reads from the client's offset to the stream's end, so without a bound each reconnect could read and decode the whole stream (20,000 entries, ~30 MB). 2,000 covers a 2-minute absence at ~8 messages/s across the cluster.",
    override: {
      env: 'RECOVERY_MAX_STREAM_ENTRIES',
      accepts: { kind: 'whole', min: 0, max: 20_000 },
    },
  },
  recoveryMaxBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    area: 'connections',
    reason:
      'The recovery buffer in bytes (the JSON of each packet, plus 200 for its entry): counted in packets alone, 10 KB messages made it ~280 MB; this is about twice what the packets take at ~1.5 KB each, so it binds only when messages are large.',
  },

  // ---- Several nodes (src/cluster, src/presence) -----------------------------------------
  presenceHeartbeatMs: {
    value: 5_000,
    unit: 'ms',
    area: 'cluster',
    reason: "How often a node renews its sockets' presence entries in Redis.",
  },
  presenceTtlMs: {
    value: 15_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      'A presence entry not renewed for this long belongs to a dead node: three missed heartbeats.',
  },
  presenceSettleTries: {
    value: 3,
    unit: 'count',
    area: 'cluster',
    reason:
      "Times a node reads presence again after writing a user's online state, writing the state it reads when it moved meanwhile (another node's change crossed this one): each read costs one Redis call per change of presence, and a user whose sockets keep changing gets their own writes after these.",
  },
  presenceSweepMs: {
    value: 5_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      "How often each node looks for expired presence entries: a dead node's users go offline within the TTL + this.",
  },
  redisStartWaitMs: {
    value: 3_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      'How long a starting node waits for Redis before it starts without it (and joins when Redis answers).',
  },
  redisConnectTimeoutMs: {
    value: 5_000,
    unit: 'ms',
    area: 'cluster',
    reason: 'A Redis connection attempt that has not completed by then is given up and retried.',
  },
  redisReconnectMaxMs: {
    value: 2_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      'The longest back-off between two attempts to reach Redis again: Redis coming back is routine.',
  },
  redisWriteBufferBytes: {
    value: 4 * MiB,
    unit: 'bytes',
    area: 'cluster',
    reason:
      "What one write to Redis may carry: at Node's default (16 KiB, about 15 broadcasts) a busy node got fewer broadcasts into Redis than it made and its backlog grew (bench, two nodes: ~700 deliveries/s, latency in seconds).",
  },
  redisCommandTimeoutMs: {
    value: 500,
    unit: 'ms',
    area: 'cluster',
    reason:
      "How long a Redis command may wait for its answer before the node goes on without Redis (limits in memory, delivery to its own sockets; then commands fail at once until Redis answers again): Redis answers in well under a millisecond, a busy one in a few, so this is far beyond any answer worth waiting for, and a request that meets a silent Redis (at most one wait per hang) stays well within a client's patience.",
    override: {
      env: 'REDIS_COMMAND_TIMEOUT_MS',
      accepts: { kind: 'whole', min: 10, max: 60_000 },
    },
  },
  onlineAdminsWaitMs: {
    value: 1_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      'How long the admin list waits for the other nodes to say which admins are connected to them (one Redis round trip when all is well); after it, it answers with what this node knows, so a silent node slows the transfer picker by this much at most.',
  },
  orderHoldMs: {
    value: 250,
    unit: 'ms',
    area: 'cluster',
    reason:
      'How long a message that arrives before its predecessors waits for them before the store fills the gap.',
  },
  orderGapPageSize: {
    value: LIMITS.historyMaxLimit,
    unit: 'messages',
    area: 'cluster',
    reason:
      "Messages read from the store per page when a gap in a chat's delivery order is filled: a history page's size, so that a node that missed many messages of one chat reads and delivers them a bounded page per turn.",
  },
  orderMaxChats: {
    value: 100_000,
    unit: 'chats',
    area: 'cluster',
    reason:
      'Chats whose delivery order a node remembers (the least recently active are forgotten): far more than are active at once, and a bound on what a node holds for chats that went quiet.',
  },
  announceBatchMax: {
    value: 100,
    unit: 'entries',
    area: 'cluster',
    reason:
      "Broadcasts a node appends to the stream and announces in one script call at most (all those of one turn of its event loop, in order): one Redis command for a message's broadcasts, or for a whole group commit's under load, while one call (Redis runs one at a time) stays a fraction of a millisecond.",
  },
  subscriberQuietMs: {
    value: 10_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      "How long a node's subscriber may hear nothing before it sends Redis a PING; no answer within REDIS_COMMAND_TIMEOUT_MS and its connection is made anew, what went in meanwhile caught up. Every node's heartbeat is announced every 5 s, so a healthy subscriber rarely asks; a connection that drops everything without closing (a NAT or proxy on its path forgot it, the Redis behind its address was replaced) is otherwise noticed only when the kernel's keepalive gives up, about 11 minutes on Linux's defaults, while the node hears nothing from the others.",
  },
  catchUpPageEntries: {
    value: 2_000,
    unit: 'entries',
    area: 'cluster',
    reason:
      "Stream entries a node reads per command when it catches up after its subscriber lost Redis. It reads from the last entry it heard to the stream's end (at most streamMaxLength), keeping those of its rooms: a bound on the read instead made a node whose own rooms were quiet on a busy cluster (its last entry heard seconds old, thousands of others' since) send every socket away after a blip. 2,000 entries (~3 MB) are one command of a few ms.",
  },
  catchUpRetryMs: {
    value: 500,
    unit: 'ms',
    area: 'cluster',
    reason:
      'How soon a node tries again to read the stream to catch up when the read failed: its subscriber and its other connection reconnect each on its own schedule, so the subscriber is often back first, and the read is refused until the other is; what its channels carry meanwhile waits for the read. One command each time.',
  },
  catchUpRetryForMs: {
    value: 10_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      "How long a node's catch-up reads may keep failing while its subscriber is back before it gives up and sends its sockets to reconnect (as for a gap): longer than its other connection takes to come back (redisReconnectMaxMs, then redisConnectTimeoutMs at most), short enough that its sockets do not wait long for what its channels carry.",
  },
  catchUpMissedMarginMs: {
    value: 15_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      "How much shorter than recoveryWindowMs (how long the stream keeps an entry) an outage of a node's subscriber must be for its catch-up to be taken as whole; longer, its sockets are sent to reconnect. It covers the announcements lost in the moments before the connection was seen lost, and the trims' rounds (streamTrimIntervalMs) taking entries a little early or late.",
  },
  streamTrimIntervalMs: {
    value: 10_000,
    unit: 'ms',
    area: 'cluster',
    reason:
      "How often each node deletes the Redis stream entries older than recoveryWindowMs (no recovery reads them): a broadcast, a person's message in it, stays in Redis at most the window plus this, however quiet the desk; one small command per node each time.",
  },
  streamMaxLength: {
    value: RECOVERABLE_BROADCASTS,
    unit: 'entries',
    area: 'cluster',
    reason:
      'Broadcasts kept in the Redis stream: what a client may recover after a dropped transport, as on one node.',
  },

  // ---- The store (src/store) -------------------------------------------------------------
  groupCommitMaxBatch: {
    value: 256,
    unit: 'messages',
    area: 'store',
    reason:
      'The most messages written in one transaction: batches grow with load, and one this size still commits in a few ms.',
  },
  groupCommitGatherMs: {
    value: 0,
    unit: 'ms',
    area: 'store',
    reason:
      'Under load (the batch before had at least groupCommitGatherAfter messages and ended less than this long ago) the next batch waits this long from its first message for more, so that a commit and its fsync are shared by more messages; 0: never waits (each batch takes what arrived in one turn of the event loop). Off by default: 2 ms on SQLite, quiet machine, delivered 6% more at full load for 5–7% less CPU per message, but doubled the p50 and raised the p99 1.3–1.5x at half load.',
    override: { env: 'GROUP_COMMIT_GATHER_MS', accepts: { kind: 'whole', min: 0, max: 20 } },
  },
  groupCommitGatherAfter: {
    value: 8,
    unit: 'messages',
    area: 'store',
    reason:
      'The batch size from which the next batch waits groupCommitGatherMs for more: below it the server is not loaded, and a lone message never waits.',
    override: { env: 'GROUP_COMMIT_GATHER_AFTER', accepts: { kind: 'whole', min: 1, max: 256 } },
  },
  sqliteWriters: {
    value: 1,
    unit: 'batches',
    area: 'store',
    reason: 'Batches written at once on SQLite: it has one writer.',
  },
  postgresWriters: {
    value: 2,
    unit: 'batches',
    area: 'store',
    reason:
      "Batches written at once on PostgreSQL: against one and four, the most throughput with latency close to one lane's.",
  },
  sqliteReaders: {
    value: 1,
    unit: 'reads',
    area: 'store',
    reason:
      'Costly reads (history, chat lists) at once on SQLite: they run on the event loop, so one at a time, each in a turn of its own (twenty arriving together ran back to back while every acknowledgement waited).',
  },
  sqliteCacheBytes: {
    value: 64 * 1024 * 1024,
    unit: 'bytes',
    area: 'store',
    reason:
      "SQLite's page cache: SQLite's own default (2 MiB) holds a sixteenth of a year of 100,000 chats, so a report over it read every page from the operating system each time (a year's summary: 34 → 21 ms of CPU to read the chats, bench/reports.ts). Filled only as pages are read.",
  },
  searchIndexEveryMs: {
    value: 250,
    unit: 'ms',
    area: 'store',
    reason:
      "How often each node's search indexer makes newly appended messages searchable (SQLite) or merges the index's pending list (PostgreSQL, which indexes in the append): the contract promises within 2 s, and a batch every quarter second spreads FTS5's per-transaction segment over hundreds of messages, where indexing in the send's transaction cost every append +131% CPU; on PostgreSQL a quarter second keeps the 512 kB list from filling below ~20,000 messages a second, so no send merges it.",
  },
  searchIndexBatch: {
    value: 500,
    unit: 'messages',
    area: 'store',
    reason:
      'Messages one indexing transaction takes at most (SQLite): it runs synchronously on the event loop, so this bounds how long a send waits behind it (500: at most 40 ms measured, FTS5 merging its segments included, about 12 µs a message on average); a full batch is followed at once by the next, so a burst is caught up at tens of thousands of messages a second.',
  },
  searchViewableSetMessages: {
    value: 100_000,
    unit: 'messages',
    area: 'store',
    reason:
      "SQLite: when the chats a search's matches may be in (an admin's viewable chats, or those a status or label filter leaves) hold at most this many messages, the matches are checked against the set of those messages' rows, built first, instead of joining each match to its message and chat: a word in 100,000 messages of chats the search may not return cost 350 ms on the event loop joined (every send waited), 20 ms checked against the set. Building the set costs about 0.2 µs a message; above this many the matches are joined, where the wanted chats are a large part of the store and fill a page soon.",
  },
  importSearchIndexBatch: {
    value: 20_000,
    unit: 'messages',
    area: 'import',
    reason:
      'Messages per indexing transaction when the v2 import makes what it wrote searchable before it ends (SQLite): no one is waiting on the event loop then, so larger batches, fewer FTS5 segments to merge.',
  },
  postgresReaders: {
    value: 2,
    unit: 'reads',
    area: 'store',
    reason:
      'Costly reads at once on PostgreSQL: they wait on the database, and two at once overlap that wait; their rows are still parsed on the event loop, so not many more.',
  },
  sqliteMarkReadChunk: {
    value: 500,
    unit: 'messages',
    area: 'store',
    reason:
      "Seqs of a chat a mark-read looks at per transaction on SQLite (those above the reader's watermark), with a turn of the event loop between chunks: ~2 ms of the event loop each when every message in them is to mark (~3.4 µs a message).",
  },
  postgresMarkReadChunk: {
    value: 5000,
    unit: 'messages',
    area: 'store',
    reason:
      "Seqs of a chat a mark-read looks at per transaction on PostgreSQL (those above the reader's watermark): the database's time, not the event loop's, so fewer, larger commits (500 a chunk took 14-17 s for 150,000 messages on a busy machine).",
  },
  sqliteChatCacheMs: {
    value: 60_000,
    unit: 'ms',
    area: 'store',
    reason:
      'How long a chat row answers later reads on SQLite: this process owns the file, and every write passes through it and refreshes the cache.',
  },
  postgresChatCacheMs: {
    value: 1_000,
    unit: 'ms',
    area: 'store',
    reason:
      'How long a chat row answers later reads on PostgreSQL: other nodes write the same database, so only briefly.',
  },
  knownAdminsRememberedMax: {
    value: 10_000,
    unit: 'entries',
    area: 'store',
    reason:
      'Admins this process remembers having recorded as known (one write per admin per process, not one per action): every real team fits many times over, and ids an AUTH_MODE=none caller makes up cannot grow it without bound (the oldest are forgotten, and written once more when seen again).',
  },
  chatCacheMaxEntries: {
    value: 50_000,
    unit: 'chats',
    area: 'store',
    reason:
      'Chat rows a node keeps cached at most: the chats in use at once fit many times over, and the cache cannot grow with the number of chats ever opened.',
  },
  sqliteStatementCache: {
    value: 300,
    unit: 'entries',
    area: 'store',
    reason:
      "Prepared statements SQLite keeps for reuse, by SQL text (least recently used go first): Kysely's driver prepared every query anew; the server's query shapes fit many times over, and texts that vary with their input cannot grow it without bound.",
  },
  sqliteWalAutocheckpointPages: {
    value: 1000,
    unit: 'count',
    area: 'store',
    reason:
      "WAL pages after which a commit checkpoints them into the database file (SQLite's own default, 1000 pages of 4 KiB): a checkpoint copies the newest version of every page the WAL holds and fsyncs the file, so a longer WAL copies a page rewritten by many commits (a busy chat's row, its index leaves) fewer times, for a longer WAL to read through and to recover.",
    override: {
      env: 'SQLITE_WAL_AUTOCHECKPOINT',
      accepts: { kind: 'whole', min: 100, max: 100_000 },
    },
  },
  sqliteWriterThread: {
    value: 0,
    unit: 'count',
    area: 'store',
    reason:
      "SQLite appends on a worker thread with a connection of its own (1) or on the event loop (0). Off by default: on a shared two-core machine it cut the event loop's time per append from 235 to 27 µs (no socket waits for a commit's fsync), but the server pinned to one core spent 1.19x the CPU per message and answered later at a paced rate. Unpinned (bench:ab AB_PIN=0, with the search indexer on the thread too) on a heavily loaded machine it delivered 1.01-1.63x the messages at full load (4 rounds, every one above 1) for 1.16-1.50x the CPU per message at a paced rate; to be weighed on the deployment's machine. Beside it, every other write (a mark-read, a take) still commits on the main connection, and one that meets the thread's write lock waits in SQLite's busy handler, which sleeps on the event loop: with a mark-read every 5 ms beside 10,000 appends, mark-read p50 11-16 ms against 4-5 ms on the loop (bench/store-append.ts writer-marks).",
    override: { env: 'SQLITE_WRITER_THREAD', accepts: { kind: 'whole', min: 0, max: 1 } },
  },
  sqliteSyncOnPool: {
    value: 0,
    unit: 'count',
    area: 'store',
    reason:
      "SQLite's append batches commit without their fsync and are answered once the WAL file is synced on libuv's thread pool (1), or fsync inside the commit, on the event loop (0). Either way an acknowledged message is on disk, and with 1 a read answers only once the sync covering the commits it may have seen has finished. Off by default: on the bench machine's disk (an fdatasync 0.8 ms at the median, 5.5 ms at p90) bench:ab against the loop's fsync, 7 alternated rounds on a quiet machine, gave delivered msg/s 1.03 and 1.06, CPU per message 1.07 and 1.08, p99 at half load 1.36 and 0.97: the stall was batching the event loop's socket work too. For a disk whose fsync takes tens of ms (network storage), where each stall stops every socket that long.",
    override: { env: 'SQLITE_SYNC_ON_POOL', accepts: { kind: 'whole', min: 0, max: 1 } },
  },
  sqliteLockWaitMs: {
    value: 2_000,
    unit: 'ms',
    area: 'store',
    reason:
      'How long a starting server waits for another process to let go of the SQLite file before it says the file is in use.',
  },
  sqliteBusyTimeoutMs: {
    value: 5_000,
    unit: 'ms',
    area: 'store',
    reason:
      'How long a statement waits for an SQLite lock before it fails (a 503) rather than hang a request.',
  },
  postgresPoolSize: {
    value: 10,
    unit: 'connections',
    area: 'store',
    reason:
      "PostgreSQL connections per node (node-postgres's default): the two write lanes and the reads beside them, and several nodes within a default max_connections of 100. Each node opens one more, outside the pool, to hold the import lock (postgresImportLockRetryMs).",
  },
  postgresImportLockRetryMs: {
    value: 1_000,
    unit: 'ms',
    area: 'store',
    reason:
      'How soon a node takes the import lock again (shared: every node holds it while it runs, so a v2 import is refused) after the connection holding it dropped: soon, since an import could start in the gap, yet once a second keeps a database that is down from being asked many times a second.',
  },
  postgresImportLockKeepAliveMs: {
    value: 10_000,
    unit: 'ms',
    area: 'store',
    reason:
      "Quiet on the import lock's connection after which TCP keepalive probes it: the connection sends nothing once the lock is taken, so without probes a peer gone without a word (a partition, a middlebox that dropped an idle connection) went unnoticed for the system's default of 2 hours (node-postgres's delay of 0 is refused by Linux, EINVAL, so the system's applies), while the database may have let the lock go; probed from 10 s of quiet (libuv then probes every 1 s, 10 times), such a connection is found dead in ~20 s and the lock taken again.",
  },
  postgresConnectTimeoutMs: {
    value: 5_000,
    unit: 'ms',
    area: 'store',
    reason: 'A PostgreSQL connection not made by then fails the call (a 503) instead of waiting.',
  },
  storePingTimeoutMs: {
    value: 2_000,
    unit: 'ms',
    area: 'store',
    reason: '/health and /ready say the store is down when it does not answer within this.',
  },
  probeMaxAgeMs: {
    value: 1_000,
    unit: 'ms',
    area: 'store',
    reason:
      "A health probe's answer is reused this long: a flood of /health never reaches the database.",
  },

  // ---- Tokens (src/auth) -----------------------------------------------------------------
  tokenClockToleranceSeconds: {
    value: 5,
    unit: 'seconds',
    area: 'tokens',
    reason:
      "Clock skew allowed between the server and the token's issuer when checking exp, nbf and iat.",
  },
  tokenMaxLifetimeSeconds: {
    value: 24 * 60 * 60,
    unit: 'seconds',
    area: 'tokens',
    reason:
      'Every token must expire within a day of being issued (or of now, without iat): a leaked token of a payments support chat must not stay good for months.',
  },
  jwksCooldownMs: {
    value: 30_000,
    unit: 'ms',
    area: 'tokens',
    reason:
      "With JWT_JWKS_URL, a token naming a key the cached set lacks (a rotation) fetches the set again, but not sooner than this after the last fetch: a new key verifies within half a minute, and tokens with made-up key ids cannot make the server hammer the issuer (jose's default).",
  },
  jwksCacheMaxAgeMs: {
    value: 10 * 60_000,
    unit: 'ms',
    area: 'tokens',
    reason:
      "With JWT_JWKS_URL, the key set is fetched again once it is this old, even when every token's key is in it: a key the issuer withdrew stops verifying within ten minutes (jose's default).",
  },

  // ---- The process (src/main.ts) ---------------------------------------------------------
  shutdownDrainMs: {
    value: 0,
    unit: 'ms',
    area: 'process',
    reason:
      'On SIGTERM, /ready answers 503 this long before connections close: a load balancer needs a few probe intervals to stop sending new clients; nothing to wait for outside production.',
    override: {
      env: 'SHUTDOWN_DRAIN_MS',
      accepts: { kind: 'whole', min: 0, max: 60_000 },
      production: 5_000,
    },
  },
  shutdownDeadlineMs: {
    value: SHUTDOWN_DEADLINE_MS,
    unit: 'ms',
    area: 'process',
    reason:
      'After the drain: time for in-flight requests, sockets and the store to close before the process exits anyway.',
  },

  shutdownRequestsMs: {
    value: SHUTDOWN_DEADLINE_MS / 2,
    unit: 'ms',
    area: 'process',
    reason:
      "After the drain: how long requests still in flight (a slow client's download) may go on before their connections are cut; half of shutdownDeadlineMs, so the sockets and the store close cleanly within the other half.",
  },

  heapGrowingPercent: {
    value: 100,
    unit: 'percent',
    area: 'process',
    reason:
      "The old generation may grow to twice what a full collection left before V8 marks again (src/heap-growth.ts). V8's own choice here was its minimum, 1.1×, which left less room than it wants free before marking and so marked again at once after every full collection. Ten 5 MB uploads beside REST sends (SQLite, 13 s): 3–4 full collections instead of 10–13, the sends' p99 during uploads 1.17–2.04× of alone against 1.95–2.82× in alternated runs (docs/benchmarks.md). The cost is memory: a live heap of ~32 MB may reach ~64 MB before it is collected.",
  },

  // ---- The v2 import (src/import) --------------------------------------------------------
  maxDocumentBytes: {
    value: MiB,
    unit: 'bytes',
    area: 'import',
    reason:
      'The largest document (a line, or an array element) the import reads: the largest message v3 accepts from a client is about 60 kB even with every character written as a 6-byte escape, so this leaves 16 times that for v2 history, which had no content limit; it bounds what one document costs (its bytes, its text, and what JSON.parse builds of it).',
  },
  importFutureDateMs: {
    value: 24 * 60 * 60 * 1000,
    unit: 'ms',
    area: 'import',
    reason:
      "How far after the import's own clock a date of the export may be: v2 wrote none after its export, which came before the import, so a later one is a clock far off or a hand-made row (refused: a closed chat so dated is never purged by RETENTION_DAYS, a waiting one queues behind every other); a day leaves room for the two hosts' clocks.",
  },
  importChunkBytes: {
    value: MiB,
    unit: 'bytes',
    area: 'import',
    reason: 'What the import reads from the export file at a time.',
  },
  importWorkerBytes: {
    value: 16 * MiB,
    unit: 'bytes',
    area: 'import',
    reason:
      "An export file this large or larger is read and mapped in a worker thread, beside the database writes (the main thread's CPU per 100,000 messages went from 3.3–3.4 s to 2.5–2.6 s); a smaller one in the main thread, where starting the worker (about 0.25 s of CPU to load its bundle) would cost more than it saves.",
  },
  importMappedAheadBytes: {
    value: 16 * MiB,
    unit: 'bytes',
    area: 'import',
    reason:
      "How far the mapping worker reads and maps beyond what the import has taken, in bytes of the export: it starts with the import and maps while the chats and the database's set-up are written, and while a staging transaction holds the main thread (two batches ahead left it idle a quarter of the time). Bounded in bytes, not batches, so that an export of 1 MB documents holds no more than one of small ones.",
  },
  importMappedAheadDocuments: {
    value: 20_000,
    unit: 'documents',
    area: 'import',
    reason:
      "The mapping worker's read-ahead also ends at this many documents beyond what the import has taken, since each mapped document costs memory however small it is: 16 MiB of 18-byte documents ahead held about a million of them while 300,000 chats were written (a peak of 796 MiB against 370 MiB two batches ahead). Two staging transactions' worth (importStagingRows), so the worker still maps on while both connections write.",
  },
  importRecordsPerBatch: {
    value: 1000,
    unit: 'documents',
    area: 'import',
    reason:
      'Documents handed on at a time, the import awaiting its database writes between batches: a 1 MiB chunk of tiny documents made half a million objects at once (1.6 GB peak for 10M of them, now 192 MiB for 4M).',
  },
  importStagingRows: {
    value: 10_000,
    unit: 'messages',
    area: 'import',
    reason:
      'Messages staged per transaction: few commits, and a batch of ordinary messages is a few MB.',
  },
  importStagingTextChars: {
    value: 8_000_000,
    unit: 'characters',
    area: 'import',
    reason:
      'A staging batch also ends at this many characters of content and fileUrl (the fields without a length limit): each message may be a whole document, and a full batch of those would not fit in memory (250 messages of 1 MB peaked at 689 MiB without it, under 384 MiB with it).',
  },
  importAppendRows: {
    value: 20_000,
    unit: 'messages',
    area: 'import',
    reason:
      "Chats are appended in groups of about this many messages, each group one transaction with the chats' recomputed fields, so an interrupted import leaves every chat consistent.",
  },
  importPostgresConnections: {
    value: 2,
    unit: 'connections',
    area: 'import',
    reason:
      "Connections the import writes through on PostgreSQL: the append's groups of chats are independent, and the backend's CPU (the messages' indexes and search terms) bounds it, so two backends use both cores of a two-core machine while the importing process waits.",
  },
  importPreviewReadChars: {
    value: 1000,
    unit: 'characters',
    area: 'import',
    reason:
      "Of each chat's last message, only this much is read for its preview (its first lastMessagePreviewChars code points): a message may be a megabyte, and 1000 chats per statement would hold a gigabyte.",
  },

  // ---- Attachments (src/attachments) -------------------------------------------------------
  attachmentMaxBytes: {
    value: 10 * MiB,
    unit: 'bytes',
    area: 'attachments',
    reason:
      'The largest upload, refused (413) while reading past it: a phone screenshot is 1-4 MB and a bank statement PDF well under 10; an upload is held in memory once while it is checked, so this also bounds what one upload costs.',
    override: {
      env: 'ATTACHMENT_MAX_BYTES',
      accepts: { kind: 'whole', min: 1024, max: 100 * MiB },
    },
  },
  attachmentMaxPixels: {
    value: 50_000_000,
    unit: 'count',
    area: 'attachments',
    reason:
      "The most pixels (width × height × frames) an image may decode to (sharp's limitInputPixels): a 48-megapixel phone photo passes, a small file that claims a huge canvas (a decompression bomb) is refused before it is decoded.",
    override: {
      env: 'ATTACHMENT_MAX_PIXELS',
      accepts: { kind: 'whole', min: 1_000_000, max: 268_402_689 },
    },
  },
  attachmentUploadIdleMs: {
    value: 30_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "An upload during which no byte arrives for this long is refused (408) and its connection closed: a phone changing cells or a Wi-Fi hiccup stalls for seconds and TCP's retransmissions back off to tens of seconds, so a shorter wait cuts uploads that would have finished; a dead client holds at most this much longer. Uploads are not cut by requestTimeoutMs (a 10 MiB file in 15 s needs ~5.6 Mbit/s).",
    override: {
      env: 'ATTACHMENT_UPLOAD_IDLE_MS',
      accepts: { kind: 'whole', min: 1_000, max: 600_000 },
    },
  },
  attachmentUploadGraceMs: {
    value: 20_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "How long an upload runs before its average rate is held to attachmentUploadMinBytesPerSecond: TCP's slow start, a radio waking up and a first stall fit in it, and it is longer than requestTimeoutMs, which uploads had before.",
    override: {
      env: 'ATTACHMENT_UPLOAD_GRACE_MS',
      accepts: { kind: 'whole', min: 1_000, max: 600_000 },
    },
  },
  attachmentUploadMinBytesPerSecond: {
    value: 16 * KiB,
    unit: 'bytes per second',
    area: 'attachments',
    reason:
      'After the grace period, an upload whose average since its first byte falls below this is refused (408): 128 kbit/s, what a poor 2G/EDGE link still carries, so a 10 MiB file at this rate takes under 11 min (within attachmentUploadMaxMs). A trickle (a byte every few seconds, which never trips the idle wait) is thousands of times slower, and cut at the end of the grace period: holding an upload open costs a client as much bandwidth as it costs the server a connection and a buffer.',
    override: {
      env: 'ATTACHMENT_UPLOAD_MIN_RATE',
      accepts: { kind: 'whole', min: 1, max: 100 * MiB },
    },
  },
  attachmentUploadMaxMs: {
    value: 15 * 60 * 1000,
    unit: 'ms',
    area: 'attachments',
    reason:
      'The longest an upload may take whatever its pace, the generous outer bound: the largest file at the minimum rate fits with room to spare; past it the upload is refused (408) and its connection closed.',
    override: {
      env: 'ATTACHMENT_UPLOAD_MAX_MS',
      accepts: { kind: 'whole', min: 1_000, max: 3_600_000 },
    },
  },
  downloadIdleMs: {
    value: 60_000,
    unit: 'ms',
    area: 'connections',
    reason:
      "A download (an attachment, a transcript, a user's export) to which nothing could be sent for this long (its client stopped reading) is cut and its connection closed: TCP's retransmissions to a client on a poor link back off to tens of seconds, so a shorter wait cuts downloads that would have finished; without it, each such client would hold a connection and the stream behind it for as long as it kept the connection open.",
    override: {
      env: 'DOWNLOAD_IDLE_MS',
      accepts: { kind: 'whole', min: 1_000, max: 600_000 },
    },
  },
  attachmentUploadBytesPerSecond: {
    value: 8 * MiB,
    unit: 'bytes per second',
    area: 'attachments',
    reason:
      "What all of a node's uploads together may read per second (0: no budget). Reading, hashing and storing a file take CPU the node's sends need: read as fast as the client sends, one 5 MB upload at a time multiplied a send's p99 by 2.3 and ten at once by 4.6 (SQLite) and 5.2 (PostgreSQL) on a quiet 2-core machine. At 8 MiB/s ten raised it 1.55x and 3.6x, one 1.8x and 2.1x, and the sends' p50 stayed within 1-2 ms of alone (docs/benchmarks.md); 4 MiB/s was no clearer for half the speed; a 10 MiB file on a node with no other upload takes ~1.3 s. Beyond the budget an upload's connection is paused, not buffered, so TCP slows its client; uploads take turns, and the time an upload is held back does not count against its pace (attachmentUpload*), each wait up to what the chunk before it would take at attachmentUploadMinBytesPerSecond (a trickle held behind others' turns is still cut).",
    override: {
      env: 'ATTACHMENT_UPLOAD_BYTES_PER_SECOND',
      accepts: { kind: 'whole', min: 0, max: 1024 * MiB },
    },
  },
  attachmentUploadCheckMs: {
    value: 500,
    unit: 'ms',
    area: 'attachments',
    reason:
      "How often an upload's watchdog looks at the bytes its connection has read (a counter, no stream is touched): a stalled upload is cut at most this long after its bound.",
  },
  attachmentRefusalLingerMs: {
    value: 10_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "After refusing an upload whose file is still arriving (a closed chat, someone else's chat, the quota, a file past ATTACHMENT_MAX_BYTES), how long the server goes on reading and dropping what the client still sends (at most ATTACHMENT_MAX_BYTES and its form) before it closes the connection: closed at once, the unread bytes make the kernel reset the connection, which can destroy the answer before the client reads it, and fetch() or a browser still sending a 5 MB file then reported a network error instead of the 4xx in about four tries of five. 10 s lets a 10 MiB file finish at 8 Mbit/s; a slower client may still lose the answer, and holds a socket no longer than this.",
  },
  attachmentThumbnailPixels: {
    value: 320,
    unit: 'count',
    area: 'attachments',
    reason:
      "A thumbnail's longest side in pixels: a timeline's inline preview, sharp on a HiDPI screen at 160 CSS pixels.",
  },
  attachmentChunkBytes: {
    value: 256 * KiB,
    unit: 'bytes',
    area: 'attachments',
    reason:
      "The database BlobStore writes and reads a file in rows of this size, one per statement with a turn of the event loop between: on PostgreSQL an upload holds one pooled connection for one chunk's insert at a time; on SQLite the blob file's thread writes them (off the event loop), four posted ahead of its answers (1 MiB of copies at most), and a download holds two.",
  },
  attachmentIntakeBuffersKept: {
    value: 4,
    unit: 'count',
    area: 'attachments',
    reason:
      "Buffers of finished uploads (1 MiB and larger) a node keeps for the next uploads' files, so that a file is copied into memory already in use rather than fresh pages the kernel must fault in and zero (5 MB: ~10 ms of the event loop's CPU, about a sixth of an upload's on a 2-core machine) and that V8 counts as new external memory. At most this many times ATTACHMENT_MAX_BYTES held while uploads come and go; nothing once they stop (attachmentIntakeBuffersIdleMs).",
  },
  attachmentIntakeBuffersIdleMs: {
    value: 10_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      'How long the buffers kept for uploads (attachmentIntakeBuffersKept) stay after the last upload gave one back: a node between bursts of uploads reuses them, an idle one frees them.',
  },
  attachmentRangeContinuesMs: {
    value: 10 * 60 * 1000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "A range of a file that does not start at byte 0 continues a download (a resumed one, a PDF viewer's pages) when the same caller's download of that file was recorded in the audit log this long ago or less, on the same node, and is not recorded again; otherwise it is recorded as a download of its own, so that no file is fetched unrecorded in ranges that skip byte 0. Long enough for a person reading a long PDF; the cost of a shorter one is an audit entry more per reader.",
  },
  attachmentRangeContinuesKept: {
    value: 10_000,
    unit: 'count',
    area: 'attachments',
    reason:
      'How many recorded downloads (caller and file) a node remembers for attachmentRangeContinuesMs, the oldest forgotten first: a few hundred bytes each. A range whose download was forgotten is recorded again, which costs an audit entry, never a download unrecorded.',
  },
  attachmentUrlTtlSeconds: {
    value: 12 * 60 * 60,
    unit: 'seconds',
    area: 'attachments',
    reason:
      "How long a signed attachment link works (the contract allows 24 h at most): long enough for an agent's shift with a page of history open, short enough that a link copied out of the chat stops working the same day. Each upload reply, message and history page signs afresh.",
    override: {
      env: 'ATTACHMENT_URL_TTL_SECONDS',
      accepts: { kind: 'whole', min: 60, max: 24 * 60 * 60 },
    },
  },
  attachmentUnusedMs: {
    value: 24 * 60 * 60 * 1000,
    unit: 'ms',
    area: 'attachments',
    reason:
      'An upload no message used within this long is deleted (the contract): time for a person to finish writing, and a bound on what abandoned uploads hold.',
  },
  attachmentSweepMs: {
    value: 10 * 60 * 1000,
    unit: 'ms',
    area: 'attachments',
    reason:
      'How often a node tries to take the sweep lease and delete unused uploads: an upload outlives its 24 h by at most this; one node sweeps at a time.',
  },
  attachmentSweepBatch: {
    value: 100,
    unit: 'count',
    area: 'attachments',
    reason:
      'Uploads one sweep deletes per round, a turn between rounds: a backlog never holds the store for long.',
  },
  attachmentQuotaBytes: {
    value: 100 * MiB,
    unit: 'bytes',
    area: 'attachments',
    reason:
      "What one uploader's stored attachments (thumbnails included) may hold: ten full-size uploads or hundreds of screenshots; unused uploads give their space back after 24 h.",
    override: {
      env: 'ATTACHMENT_QUOTA_BYTES',
      accepts: { kind: 'whole', min: 0, max: 1024 * 1024 * MiB },
    },
  },
  attachmentNameChars: {
    value: 200,
    unit: 'characters',
    area: 'attachments',
    reason:
      "A file's name as kept and shown: longer names are cut (the extension kept); no file system needs more.",
  },
  attachmentFormFields: {
    value: 8,
    unit: 'count',
    area: 'attachments',
    reason:
      'Fields besides the file an upload form may carry (chatId and the v2 sender fields need four): more is a 400, before any is stored.',
  },
  attachmentFieldBytes: {
    value: 1024,
    unit: 'bytes',
    area: 'attachments',
    reason:
      "A form field's value: an id is at most idChars (100) characters and a name nameChars (200), at most 800 bytes in UTF-8.",
  },
  attachmentPartHeaders: {
    value: 16,
    unit: 'count',
    area: 'attachments',
    reason:
      "Header lines of one form part (a browser sends two or three): more is a 400; busboy bounds a part's header bytes itself.",
  },
  attachmentFormBytes: {
    value: 64 * 1024,
    unit: 'bytes',
    area: 'attachments',
    reason:
      "What an upload's form may carry besides its file: attachmentFormFields values of at most attachmentFieldBytes (8 KiB) and each part's boundary and headers (a browser's FormData or curl -F writes a few hundred bytes a part), so a real form with a file within ATTACHMENT_MAX_BYTES is well under the limit plus this. An upload whose Content-Length is over ATTACHMENT_MAX_BYTES plus this is answered 413 from its headers, before its body is read (it was read up to the limit first). Also what a refused upload's lingering close reads and drops past the file's limit.",
  },

  // ---- Attachments' outside services (src/attachments: clamd, S3) ------------------------
  clamavConnectTimeoutMs: {
    value: 2_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "How long an upload waits to connect to clamd: it is on the server's own network and answers in milliseconds, and a host that drops packets would otherwise hold the upload for the system's connect timeout (minutes) before the fail-closed 503.",
  },
  clamavScanTimeoutMs: {
    value: 30_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "From connecting to clamd's verdict on one upload; past it the upload is refused (503, fail closed). A 10 MiB file took clamd under a second here (with one signature); a full signature database and a busy clamd take longer, and nested PDFs longest, so the margin is wide, but bounded: the upload holds its buffer and request until then.",
    override: {
      env: 'CLAMAV_SCAN_TIMEOUT_MS',
      accepts: { kind: 'whole', min: 1_000, max: 300_000 },
    },
  },
  clamavChunkBytes: {
    value: 64 * KiB,
    unit: 'bytes',
    area: 'attachments',
    reason:
      "The size of each INSTREAM chunk sent to clamd: far below clamd's StreamMaxLength (which bounds each chunk and the whole stream), and few enough writes for a 10 MiB file (160).",
  },
  clamavReplyBytes: {
    value: KiB,
    unit: 'bytes',
    area: 'attachments',
    reason:
      'The longest answer read from clamd: a verdict is "stream: OK" or a signature name of under 200 characters; anything longer is garbled, and the scan fails closed.',
  },
  s3ConnectTimeoutMs: {
    value: 3_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      'How long one S3 request waits to connect: without it an unreachable endpoint holds an upload or a download for the system connect timeout; the SDK retries (3 attempts in all) before the request fails.',
  },
  s3RequestTimeoutMs: {
    value: 30_000,
    unit: 'ms',
    area: 'attachments',
    reason:
      "How long an S3 connection may stay silent during a request (not the whole transfer): a stalled bucket fails the upload or ends the download's stream instead of holding it for ever.",
  },

  // ---- Routing: who takes chats (src/agents) ---------------------------------------------
  maxChatsMax: {
    value: LIMITS.maxChatsMax,
    unit: 'chats',
    area: 'routing',
    reason:
      'The highest maxChats a superadmin may set for one admin: no one answers more than a hundred conversations at once, and a larger number is a typo (400).',
    contract: true,
  },
  defaultMaxChats: {
    value: 5,
    unit: 'chats',
    area: 'routing',
    reason:
      "An admin's maxChats until a superadmin sets theirs: a handful of chats at once is what one agent answers well; above it replies slow down for everyone.",
    override: {
      env: 'ROUTING_MAX_CHATS',
      accepts: { kind: 'whole', min: 0, max: LIMITS.maxChatsMax },
    },
  },

  // ---- CSAT and customer context (src/chats) -----------------------------------------
  ratingWindowSeconds: {
    value: 7 * 24 * 3600,
    unit: 'seconds',
    area: 'csat',
    reason:
      'How long after closing a user may rate the chat: a week covers someone who returns to the widget days later, while a rating given later says little about the conversation it rates.',
    override: {
      env: 'CSAT_WINDOW_SECONDS',
      accepts: { kind: 'whole', min: 1, max: 366 * 24 * 3600 },
    },
  },
  ratingCommentChars: {
    value: LIMITS.ratingCommentChars,
    unit: 'characters',
    area: 'csat',
    reason:
      "A rating's comment: a few sentences about the conversation; a longer text belongs in a new chat, where an agent can answer it.",
    contract: true,
  },
  customerContextBytes: {
    value: LIMITS.customerContextBytes,
    unit: 'bytes',
    area: 'csat',
    reason:
      "A user token's `ctx` claim as JSON: contact details, KYC status and a handful of recent transactions fit in a few hundred bytes; 4 KB keeps tokens (sent with every request) and chat rows small, and a larger claim is dropped and logged rather than stored.",
    contract: true,
  },

  // ---- Agent tools: canned replies and labels (src/canned-replies, src/labels) ------------
  cannedShortcutChars: {
    value: LIMITS.cannedShortcutChars,
    unit: 'characters',
    area: 'tools',
    reason:
      "A canned reply's shortcut is typed after `/` from memory: a word or two (`refund-late`), never a sentence.",
    contract: true,
  },
  cannedTitleChars: {
    value: LIMITS.cannedTitleChars,
    unit: 'characters',
    area: 'tools',
    reason: "A canned reply's title is one line of the composer's list.",
    contract: true,
  },
  cannedRepliesMax: {
    value: 500,
    unit: 'entries',
    area: 'tools',
    reason:
      "The most canned replies one admin keeps, and the team keeps: far more than anyone remembers shortcuts for, and the list (the team's and the caller's, up to twice this) stays one small reply the console loads at once.",
  },
  labelChars: {
    value: LIMITS.labelChars,
    unit: 'characters',
    area: 'tools',
    reason: 'A label is a tag (`refund`, `KYC`, `chargeback-2026`) shown as a chip, not a note.',
    contract: true,
  },
  labelsPerChat: {
    value: LIMITS.labelsPerChat,
    unit: 'count',
    area: 'tools',
    reason:
      "More labels than a chat's header shows in a row or an agent reads at a glance; repeats that differ only in case count once.",
    contract: true,
  },

  // ---- Webhooks: events to other systems (src/webhooks) -------------------------------------
  webhookTimeoutMs: {
    value: 10_000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How long one delivery may take before it counts as failed and is retried (the contract): a receiver that hangs never holds a delivery slot for long.',
    contract: true,
  },
  webhookGiveUpMs: {
    value: 24 * 60 * 60 * 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How long an event is retried before it is kept as failed (the contract): a receiver down for a working day still gets everything once it is back.',
    override: {
      env: 'WEBHOOK_GIVE_UP_MS',
      accepts: { kind: 'whole', min: 1000, max: 7 * 24 * 3_600_000 },
    },
  },
  webhookPollMs: {
    value: 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How often each node looks for due deliveries: an event reaches its receiver within about this after its commit, at the cost of one indexed query per second per node.',
  },
  webhookLeaseMs: {
    value: 30_000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How long a node holds a delivery it took: longer than a delivery can last (10 s), so only a node that died mid-delivery loses it to another, which then sends it again with the same webhook-id.',
  },
  webhookBatch: {
    value: 20,
    unit: 'count',
    area: 'webhooks',
    reason:
      "Lanes (one chat's events to one receiver) a node delivers at once: receivers are sent to side by side, and a receiver that hangs holds only its own lanes, webhookTimeoutMs at most each.",
  },
  webhookPendingCountMax: {
    value: 100_000,
    unit: 'count',
    area: 'webhooks',
    reason:
      "Where the chat_webhook_pending gauge stops counting: a scrape during a receiver's long outage reads at most this much of the outbox's pending index, and any number this large already says to look.",
  },
  webhookLaneRun: {
    value: 50,
    unit: 'count',
    area: 'webhooks',
    reason:
      "Deliveries of one lane a node takes at once, sent one after another in order: a busy chat's messages reach a fast receiver at the rate it answers, not one per webhookPollMs; a lane stops early when its lease would run out before the next attempt could time out.",
  },
  webhookKeepDeliveredMs: {
    value: 7 * 24 * 60 * 60 * 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How long a delivered event stays in the outbox after its last attempt: a week answers a receiver\'s "did you send this?" in its next working days; after that the row goes (one per event and receiver would grow without end).',
    override: {
      env: 'WEBHOOK_KEEP_DELIVERED_MS',
      accepts: { kind: 'whole', min: 60_000, max: 365 * 24 * 3_600_000 },
    },
  },
  webhookKeepFailedMs: {
    value: 30 * 24 * 60 * 60 * 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How long a given-up event stays listed as failed (and can be retried) after its last attempt: a month, longer than any receiver outage someone notices and fixes; a retried one is pending again and then kept as delivered.',
    override: {
      env: 'WEBHOOK_KEEP_FAILED_MS',
      accepts: { kind: 'whole', min: 60_000, max: 3650 * 24 * 3_600_000 },
    },
  },
  webhookCleanupEveryMs: {
    value: 60 * 60 * 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How often a node tries to take the outbox cleanup lease and delete what is past keeping: hourly keeps each round to an hour of events (at 100 events a second, 360,000 rows, about a minute of batches), and a round with nothing to delete is one indexed query.',
  },
  webhookCleanupFirstRunMs: {
    value: 2 * 60 * 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'The first outbox cleanup after a start: after the minute of the start (clients reconnect, the store warms up), and soon enough that nodes restarted every hour still clean.',
    override: {
      env: 'WEBHOOK_CLEANUP_FIRST_RUN_MS',
      accepts: { kind: 'whole', min: 0, max: 24 * 3_600_000 },
    },
  },
  webhookCleanupBatch: {
    value: 500,
    unit: 'count',
    area: 'webhooks',
    reason:
      'Outbox rows one cleanup statement deletes: on SQLite 500 rows cost the one writer 3-5 ms of process CPU plus a commit (1.7-2.4 ms for 100, 9.5 ms for 2,000; medians over 60,000 rows on a shared machine), so a waiting send is held for a few milliseconds; 100,000 rows are 200 statements, about 5-15 s with the pauses.',
  },
  webhookCleanupPauseMs: {
    value: 10,
    unit: 'ms',
    area: 'webhooks',
    reason:
      "The cleanup's pause between batches, as retention's: the sends that waited for a batch commit before the next one takes SQLite's one writer.",
  },
  webhookCleanupLeaseMs: {
    value: 5 * 60 * 1000,
    unit: 'ms',
    area: 'webhooks',
    reason:
      'How long the outbox cleanup lease holds without renewal: its holder renews it between batches and gives it up when it stops; a node that died cleaning leaves the next round to another node after this, and a node that found it held before it held it once tries again after this.',
  },
  // ---- The queue users see and the desk's status (src/desk, realtime/queue-positions.ts) --
  queuePositionCoalesceMs: {
    value: 500,
    unit: 'ms',
    area: 'routing',
    reason:
      'How long a node gathers changes of the queue before it reads the queue once and tells its own waiting users whose position changed: a burst of assignments costs one read per node, not one per assignment per waiting user, and half a second is sooner than anyone reads a number.',
  },
  queuePositionsPerTurn: {
    value: 250,
    unit: 'entries',
    area: 'routing',
    reason:
      "How many queue-position events a node sends in one turn of the event loop before letting other work through: at about 30 µs each (bench:queue) a slice holds the loop some 8 ms, where 5,000 at once would delay every message's acknowledgement on the node by over 100 ms.",
  },
  queueRefreshMs: {
    value: 30_000,
    unit: 'ms',
    area: 'routing',
    reason:
      'While users wait on a node, it reads the queue again this often even without news: a change whose notice was lost (Redis away) and the estimate drifting with time still reach them, at the cost of one read per node per half minute.',
  },
  queuePositionsMax: {
    value: 10_000,
    unit: 'chats',
    area: 'routing',
    reason:
      'The most waiting chats a node reads to tell positions (one index range, a few ms at this size); users further back get no queue-position until they move up, and GET /api/chats/:chatId/queue still answers them.',
  },
  queueEstimateWindowMs: {
    value: 60 * 60_000,
    unit: 'ms',
    area: 'routing',
    reason:
      'The recent waits the estimate is the median of: chats first assigned within the last hour, so it follows the shift on duty and not last week; with none, the estimate is null rather than a guess.',
  },
  queueEstimateSampleMax: {
    value: 200,
    unit: 'chats',
    area: 'routing',
    reason:
      'The newest first assignments of the window the median is taken over: plenty for a stable median, and the read stays one short index range on the busiest desk.',
  },
  queueEstimateCacheMs: {
    value: 30_000,
    unit: 'ms',
    area: 'routing',
    reason:
      'How long a node reuses the median wait it read: it moves slowly, and reading it for every position update would cost a query per update.',
  },
  deskStatusCacheMs: {
    value: 2_000,
    unit: 'ms',
    area: 'routing',
    reason:
      "How long a node reuses GET /api/desk's answer: every widget asks when it loads, unauthenticated, and counting available agents asks presence about each admin; a status two seconds old is as good for telling a user whether someone is there.",
  },
  routingSweepMs: {
    value: 2_000,
    unit: 'ms',
    area: 'routing',
    reason:
      'With ROUTING=auto, how often each node drains the queue unasked and applies ROUTING_REPLY_TIMEOUT: every change that frees capacity drains at once, so this only bounds the wait when such a change was lost (a node died between committing it and routing); a chat then waits at most this long, and a sweep that finds no chat waiting costs one read of the queue.',
    override: {
      env: 'ROUTING_SWEEP_MS',
      accepts: { kind: 'whole', min: 50, max: 60_000 },
    },
  },
  routingBatchMax: {
    value: 20,
    unit: 'chats',
    area: 'routing',
    reason:
      "Waiting chats one routing transaction assigns at most (oldest first, each counted before the next): a burst of new chats pays the agents' lock, their count and the commit once per batch rather than per chat, while a batch holds the agents' rows, and so every other node's routing, for a few milliseconds only.",
  },
  routingRequeueMax: {
    value: 100,
    unit: 'chats',
    area: 'routing',
    reason:
      "Unanswered assignments one sweep sends back to the queue (ROUTING_REPLY_TIMEOUT), each in its own transaction: the next sweep takes the rest, so a backlog after an outage never holds a node's database connections for long.",
  },

  // ---- Retention, export, erasure (src/privacy/) -------------------------------------------
  retentionSweepMs: {
    value: 24 * 60 * 60 * 1000,
    unit: 'ms',
    area: 'privacy',
    reason:
      'With RETENTION_DAYS, how often a node tries to take the retention lease and purge what expired (the contract: daily); a chat outlives its RETENTION_DAYS by at most this.',
    override: {
      env: 'RETENTION_SWEEP_MS',
      accepts: { kind: 'whole', min: 1000, max: 7 * 24 * 3_600_000 },
    },
  },
  retentionFirstRunMs: {
    value: 60 * 1000,
    unit: 'ms',
    area: 'privacy',
    reason:
      'The first purge after a start: soon, so a node restarted every day still purges, but not in the minute of the start, when clients reconnect and the store warms up.',
    override: {
      env: 'RETENTION_FIRST_RUN_MS',
      accepts: { kind: 'whole', min: 0, max: 24 * 3_600_000 },
    },
  },
  retentionBatchChats: {
    value: 10,
    unit: 'chats',
    area: 'privacy',
    reason:
      "Chats one purge transaction deletes, with a pause (retentionPauseMs) between transactions: deleting costs SQLite's one writer 15-22 µs of CPU per message (indexes, the search index's trigger, the foreign key; measured as process CPU time over batches of 10 chats of 25 messages: median 3.7 ms, 5.5 ms once indexed for search), so a batch of ten ordinary chats holds waiting sends for a few milliseconds plus one commit's fsync, and 10,000 expired chats a day are a thousand short transactions.",
    override: {
      env: 'RETENTION_BATCH_CHATS',
      accepts: { kind: 'whole', min: 1, max: 1000 },
    },
  },
  retentionPauseMs: {
    value: 10,
    unit: 'ms',
    area: 'privacy',
    reason:
      "The purge's pause between batches: a turn of the event loop alone let SQLite's next batch take the one connection before the sends that had waited for the last one (20 acknowledgements during 41 batches in the retention job's test, 45 with this pause); a pause lets them commit first, and costs 10,000 expired chats a day about ten seconds.",
  },
  retentionLeaseMs: {
    value: 5 * 60 * 1000,
    unit: 'ms',
    area: 'privacy',
    reason:
      'How long the retention lease holds without renewal: its holder renews it between batches (each well under a second), and a node that died mid-purge leaves the next round to another node after this.',
  },
  erasureChunkMessages: {
    value: 500,
    unit: 'messages',
    area: 'privacy',
    reason:
      "Messages an erasure overwrites per transaction (by seq), a turn between: a user with 10,000 messages is erased in 20 short transactions that sends interleave with, rather than one that holds SQLite's writer for the whole user.",
  },
  erasureHoldStaleMs: {
    value: 300_000,
    unit: 'ms',
    area: 'privacy',
    reason:
      "How long an erasure's hold refuses the user's new chats and uploads after its last renewal. An erasure renews it between its steps (one chat closed, one file deleted, one chunk of messages: each well under a second; its last transaction seconds for a user with thousands of chats), so a living erasure never gets near this; a node that died mid-erasure leaves its hold, which stops refusing after this (and the end of the next erasure, of anyone, deletes it: it names the user).",
  },
  exportPageMessages: {
    value: 500,
    unit: 'messages',
    area: 'privacy',
    reason:
      "Messages an export reads per query while it streams: the reply's memory is one page (and the socket's buffer), whatever the user has stored.",
  },
  reportDefaultRangeDays: {
    value: 30,
    unit: 'days',
    area: 'reports',
    reason:
      "The days a report covers when `from` is not given (ending at `to`, default now): a month is what a team lead reviews, and one read of it stays well inside the reports' latency bound.",
  },
  reportRangeMaxDays: {
    value: 366,
    unit: 'days',
    area: 'reports',
    reason:
      'The longest range of the summary and the agents report: a year, leap day included. Each report reads every chat of its range (bench/reports.ts: a month of a 100k-chats-a-year desk in tens of ms of CPU, the whole year in 130-290 ms); longer would make one request hold a reader for seconds.',
  },
  reportDayRangeMaxDays: {
    value: 366,
    unit: 'days',
    area: 'reports',
    reason:
      'The longest timeseries of day buckets: a year of points, which a chart can still draw one by one.',
  },
  reportHourRangeMaxDays: {
    value: 31,
    unit: 'days',
    area: 'reports',
    reason:
      'The longest timeseries of hour buckets: a month, 744 points; more hours than that are better read as days.',
  },
} as const satisfies Record<string, Tunable>;

export type TunableName = keyof typeof TUNABLES;

/** The tunables an environment variable may set. */
export type OverridableName = {
  [K in TunableName]: (typeof TUNABLES)[K] extends { override: Override } ? K : never;
}[TunableName];

export const TUNABLE_NAMES = Object.keys(TUNABLES) as TunableName[];

const isOverridable = (name: TunableName): name is OverridableName => 'override' in TUNABLES[name];

export const OVERRIDABLE: readonly OverridableName[] = TUNABLE_NAMES.filter(isOverridable);

/** A tunable's environment override (every OverridableName has one). */
export const overrideOf = (name: OverridableName): Override => TUNABLES[name].override;
