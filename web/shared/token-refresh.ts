/**
 * When to ask the host page (or the admin panel) for a fresh token: a while before the
 * current one expires, so a page that fetches one from its backend has it before the
 * server disconnects the socket at `exp`.
 */

/**
 * How long before `exp` the page is told. A refresh is one request to the host's own
 * backend (well under a second on a slow phone network); 30 s leaves room for a retry or
 * two and still costs a 5-minute token only a tenth of its life.
 */
export const TOKEN_REFRESH_LEAD_MS = 30_000;

/**
 * The moment to ask, for a token that expires at `expiresAt` (epoch ms): the lead before
 * it, but never earlier than halfway through what is left, so a token shorter-lived than
 * twice the lead is not refreshed the moment it arrives (a refresh loop).
 */
export function refreshAt(expiresAt: number, now: number): number {
  const left = expiresAt - now;
  return expiresAt - Math.min(TOKEN_REFRESH_LEAD_MS, Math.max(left, 0) / 2);
}

/** Calls `ask` at refreshAt(); the returned function cancels it. */
export function scheduleRefresh(expiresAt: number | undefined, ask: () => void): () => void {
  if (expiresAt === undefined) return () => {};
  const delay = Math.max(refreshAt(expiresAt, Date.now()) - Date.now(), 0);
  // setTimeout holds at most ~24.8 days; tokens live a day at most (src/tunables.ts).
  const timer = setTimeout(ask, Math.min(delay, 2 ** 31 - 1));
  return () => clearTimeout(timer);
}
