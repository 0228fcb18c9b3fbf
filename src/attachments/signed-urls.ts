/**
 * Download links that need no header (an <img src>, a link a v2 client shows): the path
 * plus `exp` (Unix seconds) and `sig`, an HMAC-SHA256 of path and expiry under a server
 * secret, so any node of a cluster that has the same secret checks it without a lookup.
 * Links are signed each time one is handed out, valid attachmentUrlTtlSeconds; a changed
 * path, expiry or signature, or a passed expiry, is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface LinkSigner {
  /** `path?exp=…&sig=…`, valid from now for the configured time. */
  sign(path: string, nowMs?: number): string;
  /** Whether `exp` and `sig` are a valid, unexpired signature of `path`. */
  verify(path: string, exp: string, sig: string, nowMs?: number): boolean;
}

const mac = (key: Buffer, path: string, exp: string): Buffer =>
  createHmac('sha256', key).update(`${path}\n${exp}`).digest();

/**
 * The signing key: ATTACHMENT_URL_SECRET when set, else one derived from JWT_SECRET (the
 * token key itself never signs anything else), else random for this process alone (links
 * then work only on the node that made them: set a secret when running several).
 */
export function signingKey(secrets: {
  urlSecret?: string | undefined;
  jwtSecret?: string | undefined;
}): {
  key: Buffer;
  shared: boolean;
} {
  if (secrets.urlSecret) return { key: Buffer.from(secrets.urlSecret), shared: true };
  if (secrets.jwtSecret) {
    return {
      key: createHmac('sha256', secrets.jwtSecret).update('attachment links').digest(),
      shared: true,
    };
  }
  return { key: randomBytes(32), shared: false };
}

export function linkSigner(key: Buffer, ttlSeconds: number): LinkSigner {
  return {
    sign(path, nowMs = Date.now()) {
      const exp = String(Math.floor(nowMs / 1000) + ttlSeconds);
      return `${path}?exp=${exp}&sig=${mac(key, path, exp).toString('base64url')}`;
    },
    verify(path, exp, sig, nowMs = Date.now()) {
      if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= nowMs) return false;
      // Never valid longer than the configured time from now: a link cannot outlive a
      // shortened TTL.
      if (Number(exp) > Math.floor(nowMs / 1000) + ttlSeconds) return false;
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(key, path, exp);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
