/**
 * Who is signed in to the console and how. The server tells its auth mode and the admin
 * panels that may frame it (`/console/config.json`). Under JWT the token is pasted, or
 * handed over: in the URL fragment (`/console#token=…`, never sent to a server) or by
 * `postMessage` from the parent window, when its origin is one of CONSOLE_PARENT_ORIGINS.
 * A handed token never silently signs in someone else (see handoverStep). Under
 * AUTH_MODE=none the admin types a name and id (demo mode). The session lives in
 * sessionStorage (this tab).
 */

import { isAdmin } from '../../src/auth/roles.js';
import type { ConsoleConfig } from '../../src/schemas/shapes.js';
import { AUTH_MODES, isOneOf } from '../../src/schemas/vocabulary.js';
import { actorOf } from '../shared/actor.js';
import type { ConnectionState } from '../shared/client.js';
import { uploadLimitOf } from '../shared/server-config.js';
import { readToken } from '../shared/token.js';
import type { AuthMode, Identity } from '../shared/types.js';

/** What `/console/config.json` answers, as the server declares it. */
export type { ConsoleConfig };

export interface Session {
  identity: Identity;
  token: string | undefined;
}

export type TokenProblem = 'tokenInvalid' | 'tokenNotAdmin' | 'tokenExpired' | 'tokenNoExpiry';

const KEY = 'fastorika.console.session';

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`config: ${res.status}`);
  const config = consoleConfigFrom(await res.json());
  if (!config) throw new Error('config: not the shape the server declares');
  return config;
}

/**
 * The body of `/console/config.json` when it is what the server declares, else undefined:
 * what answered may be a proxy's page or another server, and a console that took an
 * unknown auth mode would show neither sign-in form. Checked by hand, not with the
 * server's zod schema, to keep zod out of the bundle.
 */
export function consoleConfigFrom(body: unknown): ConsoleConfig | undefined {
  const attachmentMaxBytes = uploadLimitOf(body);
  if (attachmentMaxBytes === undefined || typeof body !== 'object' || body === null) {
    return undefined;
  }
  if (!('authMode' in body && 'parentOrigins' in body)) return undefined;
  const { authMode, parentOrigins } = body;
  if (!isOneOf(AUTH_MODES, authMode)) return undefined;
  if (!Array.isArray(parentOrigins) || !parentOrigins.every((o) => typeof o === 'string')) {
    return undefined;
  }
  return { attachmentMaxBytes, authMode, parentOrigins };
}

export function sessionFromToken(token: string): Session | TokenProblem {
  const claims = readToken(token);
  if (!claims) return 'tokenInvalid';
  if (!isAdmin(actorOf(claims))) return 'tokenNotAdmin';
  // The server refuses a token without exp; said here, the admin is not told of keys instead.
  if (claims.expiresAt === undefined) return 'tokenNoExpiry';
  if (claims.expiresAt <= Date.now()) return 'tokenExpired';
  return { identity: { id: claims.id, name: claims.name, role: claims.role }, token: token.trim() };
}

/** Where a token that was not typed in came from. */
export type HandoverSource = 'parent' | 'fragment';

export interface Handover {
  session: Session;
  source: HandoverSource;
}

const sameIdentity = (a: Session, b: Session): boolean =>
  a.identity.id === b.identity.id && a.identity.role === b.identity.role;

/**
 * Whether a handed-over session may start at once or only once the admin confirms whom
 * they become. A fresh token for whoever is signed in is a refresh. Any site can link to
 * `/console#token=…` (a login CSRF: the admin would work as the link's author), so a
 * fragment always asks; the listed parent may sign in an empty console, never swap the
 * admin who is signed in for someone else.
 */
export function handoverStep(current: Session | undefined, offered: Handover): 'apply' | 'confirm' {
  if (current && sameIdentity(current, offered.session)) return 'apply';
  if (!current && offered.source === 'parent') return 'apply';
  return 'confirm';
}

/** A token in the URL fragment is taken once and removed from the address bar. */
export function tokenFromFragment(): string | undefined {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? undefined;
  if (token) history.replaceState(null, '', location.pathname + location.search);
  return token;
}

export function listenForHandover(
  config: ConsoleConfig,
  onToken: (token: string) => void,
): () => void {
  const framed = window.parent !== window;
  const listener = (e: MessageEvent) => {
    // Only the window that frames the console, and only from a listed origin: not an
    // opener, a popup or another frame of a listed site.
    if (!framed || e.source !== window.parent || !config.parentOrigins.includes(e.origin)) return;
    const data: unknown = e.data;
    if (typeof data !== 'object' || data === null || !('type' in data) || !('token' in data))
      return;
    if (data.type === 'fastorika:token' && typeof data.token === 'string') onToken(data.token);
  };
  window.addEventListener('message', listener);
  postToParent(config, { type: 'fastorika:ready' });
  return () => window.removeEventListener('message', listener);
}

/** What the console tells the admin panel that frames it (only a listed origin hears it). */
export type ParentMessage =
  | { type: 'fastorika:ready' }
  | {
      type: 'fastorika:state';
      /** Whether an admin is signed in (false: the sign-in page, e.g. after an expiry). */
      signedIn: boolean;
      /** The socket's state while signed in, else null. */
      connection: ConnectionState | null;
      /** User messages not read yet in the admin's own chats. */
      unread: number;
      /** Chats waiting in the queue. */
      waiting: number;
    }
  | {
      type: 'fastorika:token-expired';
      /** When the token expires (epoch ms), or null when it does not say. */
      expiresAt: number | null;
      /** false: it expires soon (sent ahead, time to hand over a fresh one); true: it has. */
      expired: boolean;
    };

/** Posts to the framing window, once per listed origin (the browser delivers to the one it is). */
export function postToParent(config: ConsoleConfig, message: ParentMessage): void {
  if (window.parent === window) return;
  for (const origin of config.parentOrigins) window.parent.postMessage(message, origin);
}

export function savedSession(mode: AuthMode): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    if (mode === 'jwt') {
      const fresh = s.token ? sessionFromToken(s.token) : undefined;
      return typeof fresh === 'object' ? fresh : undefined;
    }
    return s.identity?.id ? { identity: s.identity, token: undefined } : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session | undefined): void {
  try {
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage may be unavailable (private mode); the session then lasts until reload.
  }
}
