/**
 * Download links that need no header (an <img src>, a link a v2 client shows): the path
 * plus `exp` (Unix seconds), `v` (the viewer it was handed to, when one is known) and
 * `sig`, an HMAC-SHA256 of path, expiry and viewer under a server secret, so any node of a
 * cluster that has the same secret checks it without a lookup, and a download by link is
 * audited as its viewer's. Links are signed each time one is handed out, valid
 * attachmentUrlTtlSeconds; a changed path, expiry, viewer or signature, or a passed
 * expiry, is refused. A link without `v` (signed for a room's broadcast, or before links
 * named viewers) is still valid and names no one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditActor } from '../audit/chain.js';
import { AUDIT_ACTOR_ROLES, isOneOf } from '../schemas/vocabulary.js';

/**
 * Who a link was handed to: the audit log's actor of its downloads, less the name, which
 * is looked up at download (a URL ends up in proxies' logs; a role and an id say who
 * without naming them).
 */
export type LinkViewer = Omit<AuditActor, 'name'>;

export interface LinkQuery {
  exp: string;
  sig: string;
  v?: string | undefined;
}

/** A valid link, and the viewer it names (undefined: none); undefined: not valid. */
export type LinkCheck = { viewer: LinkViewer | undefined } | undefined;

export interface LinkSigner {
  /** `path?exp=…[&v=…]&sig=…`, valid from now for the configured time, for `viewer`. */
  sign(path: string, nowMs?: number, viewer?: LinkViewer): string;
  /** Whether the query is a valid, unexpired signature of `path`, and for whom. */
  verify(path: string, link: LinkQuery, nowMs?: number): LinkCheck;
}

const mac = (key: Buffer, path: string, exp: string, v: string): Buffer =>
  createHmac('sha256', key)
    .update(v === '' ? `${path}\n${exp}` : `${path}\n${exp}\n${v}`)
    .digest();

/** The viewer as the link carries it: base64url of JSON [role, id]. */
const encodeViewer = (viewer: LinkViewer): string =>
  Buffer.from(JSON.stringify([viewer.role, viewer.id])).toString('base64url');

function decodeViewer(v: string): LinkViewer | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
    // Links signed before viewers went nameless carry a third item: still valid, unused.
    if (!Array.isArray(parsed) || parsed.length < 2 || parsed.length > 3) return undefined;
    const [role, id] = parsed;
    if (typeof id !== 'string') return undefined;
    if (typeof role !== 'string' || !isOneOf(AUDIT_ACTOR_ROLES, role)) return undefined;
    return { id, role };
  } catch {
    return undefined;
  }
}

/** The signer, every link of which names `viewer` (replies to a known caller). */
export function signerFor(links: LinkSigner, viewer: LinkViewer | undefined): LinkSigner {
  if (viewer === undefined) return links;
  return {
    sign: (path, nowMs, _other) => links.sign(path, nowMs, viewer),
    verify: links.verify,
  };
}

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
    sign(path, nowMs = Date.now(), viewer) {
      const exp = String(Math.floor(nowMs / 1000) + ttlSeconds);
      const v = viewer === undefined ? '' : encodeViewer(viewer);
      const named = v === '' ? '' : `&v=${v}`;
      return `${path}?exp=${exp}${named}&sig=${mac(key, path, exp, v).toString('base64url')}`;
    },
    verify(path, { exp, sig, v = '' }, nowMs = Date.now()) {
      if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 <= nowMs) return undefined;
      // Never valid longer than the configured time from now: a link cannot outlive a
      // shortened TTL.
      if (Number(exp) > Math.floor(nowMs / 1000) + ttlSeconds) return undefined;
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(key, path, exp, v);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      if (v === '') return { viewer: undefined };
      // Signed by this server, so well formed; were it not, the link names no one usable.
      const viewer = decodeViewer(v);
      return viewer === undefined ? undefined : { viewer };
    },
  };
}
