/**
 * The bounds that keep one client from growing the server's memory or descriptors without
 * limit, each with the reason for its number. (Request rates are in rate-limiter.ts.)
 */

/**
 * The most chats one list answer holds (each list, see docs/protocol.md): a reply of 20,000
 * chats took 74 ms of the event loop to read (SQLite) and more to send, and reading a chat
 * row alone costs ~8 µs. 200 is more than a console shows at once; the lists' queries find
 * them in index order, so a list costs the same (~2 ms) with any number of chats.
 */
export const CHAT_LIST_MAX = 200;

/**
 * What may wait for one connection that is not reading (WebSocket: engine.io's write
 * buffer plus the TCP socket's; polling: the write buffer while no poll is pending) before
 * the server closes it. A full group-commit batch of typical messages (256 × ~2 KB, each
 * a message and a notification) is ~1 MB in one turn for one admin, so 4 MiB leaves
 * room for bursts to a reader that keeps up; a reader cut by mistake reconnects and gets
 * what it missed through connection-state recovery.
 */
export const SLOW_READER_MAX_BYTES = 4 * 1024 * 1024;
/**
 * The same in packets waiting in engine.io's write buffer: each costs a packet object
 * besides its bytes, so many tiny packets (typing indicators) are capped too. Far above
 * the ~770 packets one batch can send to one socket.
 */
export const SLOW_READER_MAX_PACKETS = 10_000;

/**
 * How long a client may take to send a request's headers, and the whole request (headers
 * and body, at most 64 KiB): a trickled request otherwise holds a connection for minutes
 * (Fastify turns Node's request timeout off by default). 15 s still lets a 64 KiB body
 * through at ~4.5 KB/s. Only requests being received count: a long-poll GET held open
 * by Socket.io, an idle keep-alive connection or a WebSocket are not subject to them.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 15_000;
/**
 * Node checks those timeouts only this often (30 s by default), so a trickled request is
 * cut after at most REQUEST_TIMEOUT_MS + this (16 s). Each check walks only the
 * connections with a request in progress, so once a second costs next to nothing.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/**
 * Connection-state recovery keeps recent broadcasts so that a client back within the
 * window gets what it missed. At ~2 broadcasts per message, 20,000 packets cover the
 * 2-minute window up to ~80 msg/s. Counted in packets alone, 10 KB messages made that
 * ~280 MB, hence a byte bound too (an estimate, see bounded-recovery.ts): 64 MiB is about
 * twice what 20,000 typical packets (~1.5 KB each) take, so it binds only when messages
 * are large. A client away longer than the buffer covers catches up over REST.
 */
export const RECOVERY_MAX_PACKETS = 20_000;
export const RECOVERY_MAX_BYTES = 64 * 1024 * 1024;
