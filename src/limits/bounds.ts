/**
 * The bounds that keep one client from growing the server's memory or descriptors without
 * limit, each with the reason for its number. (Request rates are in rate-limiter.ts.)
 */

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
