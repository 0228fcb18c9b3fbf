/**
 * Reads the claims of a JWT without verifying it: the server verifies every request; the
 * page only needs to know whom the token names (to fill v2 payload fields and the header).
 */
import { isOneOf, ROLES } from '../../src/schemas/vocabulary.js';
import type { Identity } from './types.js';

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export interface TokenClaims extends Identity {
  /** Milliseconds since the epoch, when the token says. */
  expiresAt: number | undefined;
}

/** The token's identity, or undefined when it is not a JWT with `sub` and a known `role`. */
export function readToken(token: string): TokenClaims | undefined {
  const payload = token.trim().split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(payload));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { sub, name, role, exp } = claims as Record<string, unknown>;
    if (typeof sub !== 'string' || !sub) return undefined;
    if (!isOneOf(ROLES, role)) return undefined;
    return {
      id: sub,
      name: typeof name === 'string' && name ? name : sub,
      role,
      expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
    };
  } catch {
    return undefined;
  }
}
