/**
 * The only fixed waits the tests keep: windows in which something must NOT arrive. A
 * test waits for what it expects (an event, a state); it cannot wait for an absence, so
 * it gives the absence a window long enough that an event really sent would have come,
 * and the assertion after it fails when the event does. A window too short on a loaded
 * machine makes such a test pass wrongly, never fail wrongly: a slow machine does not
 * make it flaky.
 */

/** An event sent on one node over loopback reaches every socket within this. */
export const ONE_NODE_QUIET_MS = 200;

/** An event published through Redis reaches the other nodes' sockets within this. */
export const ACROSS_NODES_QUIET_MS = 600;

/**
 * Redis back after an outage: the nodes' heartbeats and the presence sweep run again, and
 * a second announcement of the same presence change would have come within this.
 */
export const OUTAGE_AFTERMATH_QUIET_MS = 1000;

/**
 * A cluster test under load (several nodes, Redis and PostgreSQL on two cores): a
 * stray delivery of a racing write would have come within this.
 */
export const RACING_WRITES_QUIET_MS = 800;

/**
 * A browser page: a message posted to it is dispatched and rendered (Preact renders
 * within a frame or two) within this.
 */
export const PAGE_QUIET_MS = 500;

/**
 * The presence sweep runs every few seconds: a node announcing a user offline would have
 * done it within one sweep and a bit (src/presence's sweep interval is 5 s).
 */
export const PRESENCE_SWEEP_QUIET_MS = 6000;

/**
 * Longer than the HTTP server's request timeout plus its checking interval: a connection
 * the timeout applied to would have been cut within this.
 */
export const PAST_REQUEST_TIMEOUT_QUIET_MS = 20_000;

/** Waits out a quiet window; name the window, so its reason stays with it. */
export const quiet = (windowMs: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, windowMs));

/**
 * A change of the queue reaches waiting users after one coalescing round
 * (queuePositionCoalesceMs, 500 ms) and its read: a position that was going to be sent
 * would have come within this.
 */
export const QUEUE_ROUND_QUIET_MS = 1200;
