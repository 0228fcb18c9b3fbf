/**
 * JWT verification with jose. The accepted algorithms are pinned to the configured key
 * type (HS256 for a shared secret; RS256/ES256 for a JWKS), so neither `none` nor an
 * HS/RS confusion can pass. A JWKS is cached and refetched when a token names a key id
 * it does not know, so a key rotation needs no restart.
 */
import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import type { AuthConfig } from '../config.js';
import { AppError, tokenExpired, Unauthorized } from '../errors.js';
import { redactClientJson, redactClientText } from '../redaction/client-text.js';
import {
  cutName,
  isPlainName,
  isStorableText,
  PLAIN_NAME_RULE,
  textProblem,
} from '../schemas/text-rules.js';
import { isOneOf, isPseudonym, LIMITS, ROLES } from '../schemas/vocabulary.js';
import { TUNABLES } from '../tunables.js';
import { isAdmin, type Person, person } from './actor.js';
import type { CustomerContext } from './roles.js';

export interface VerifiedToken {
  actor: Person;
  /**
   * Epoch milliseconds after which this server no longer accepts the token: its exp plus the
   * clock tolerance verification allows, so a socket lives exactly as long as a REST call with
   * the same token would still be let in (every token accepted has exp).
   */
  expiresAt: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

/** Why a token's `ctx` claim was dropped: too large, or a text that breaks the text rule. */
export type ContextDrop =
  | { reason: 'size'; bytes: number }
  | { reason: 'text'; field: string; problem: NonNullable<ReturnType<typeof textProblem>> };

export interface VerifierOptions {
  /**
   * A token's `ctx` claim was dropped (for the log): over LIMITS.customerContextBytes, or a
   * key or string in it is not storable text.
   */
  onContextDropped?(subject: string, drop: ContextDrop): void;
  /** Minimum time between two JWKS fetches (jose's cooldown); tests shorten it. */
  jwksCooldownMs?: number;
}

const CLOCK_TOLERANCE_SECONDS = TUNABLES.tokenClockToleranceSeconds.value;
/** Apps mint short tokens and refresh them; a socket whose token expires is disconnected. */
const MAX_TOKEN_LIFETIME_SECONDS = TUNABLES.tokenMaxLifetimeSeconds.value;

/** The token's exp (epoch seconds), once its lifetime is known to be acceptable. */
function expiryOf(payload: JWTPayload): number {
  if (typeof payload.exp !== 'number') {
    throw new Unauthorized('Invalid token: exp is required', 'INVALID_TOKEN');
  }
  // From the earlier of iat and now: a token issued "in the future" gains nothing.
  const now = Date.now() / 1000;
  const from = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
  if (payload.exp - from > MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
    throw new Unauthorized(
      `Invalid token: it may live at most ${MAX_TOKEN_LIFETIME_SECONDS / 3600} hours`,
      'INVALID_TOKEN',
    );
  }
  return payload.exp;
}

function toActor(payload: JWTPayload): Person {
  const { sub, role, name } = payload as JWTPayload & { role?: unknown; name?: unknown };
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new Unauthorized('Invalid token: sub is missing', 'INVALID_TOKEN');
  }
  if (sub.length > LIMITS.idChars) {
    throw new Unauthorized(
      `Invalid token: sub is longer than ${LIMITS.idChars} characters`,
      'INVALID_TOKEN',
    );
  }
  // The form erasure gives an erased person's id: whoever it named would own their chats.
  if (isPseudonym(sub)) {
    throw new Unauthorized("Invalid token: sub is an erased user's pseudonym", 'INVALID_TOKEN');
  }
  // The identity is stored with every message and chat: the same rule as payload text.
  if (!isStorableText(sub) || (typeof name === 'string' && !isStorableText(name))) {
    throw new Unauthorized(
      'Invalid token: sub and name must be text without NUL characters or lone surrogates',
      'INVALID_TOKEN',
    );
  }
  // The name is shown to the other side of every chat: the rule of names in payloads.
  if (typeof name === 'string' && !isPlainName(name)) {
    throw new Unauthorized(`Invalid token: name ${PLAIN_NAME_RULE}`, 'INVALID_TOKEN');
  }
  if (!isOneOf(ROLES, role)) {
    throw new Unauthorized(
      'Invalid token: role must be user, admin or superadmin',
      'INVALID_TOKEN',
    );
  }
  // A name is a text a person wrote: masked like a payload's, before the cut (see redaction/).
  return person(sub, typeof name === 'string' ? cutName(redactClientText(name).text) : '', role);
}

/**
 * The first key or string of a JSON value that is not storable text (a NUL character, a
 * lone surrogate: the rule of every text a client sends, textProblem), named by its path.
 * Control characters stay, as in messages: an address may hold a line break.
 */
function textProblemIn(
  value: unknown,
  path: string,
): Extract<ContextDrop, { reason: 'text' }> | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && { reason: 'text', field: path, problem };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    // A key is named by its place: printing it would print the bad character.
    const problem = textProblem(key);
    if (problem) return { reason: 'text', field: `${path} (a key)`, problem };
    // Masked as the stored keys are: the path goes to a log line.
    const found = textProblemIn(inner, `${path}.${redactClientText(key).text}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * A `ctx` claim that is a JSON object, or why it is dropped; anything else is ignored. A
 * signed token is the backend's word, so a context it cannot keep is dropped whole (as one
 * too large is) and the token still identifies the user: dropping one bad field would show
 * admins a context the backend did not send, refusing the token would lock the customer
 * out of support over a field of it.
 */
function contextOf(
  claim: unknown,
): { kept: CustomerContext } | { dropped: ContextDrop } | undefined {
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) return undefined;
  const bytes = jsonBytes(claim);
  if (bytes > LIMITS.customerContextBytes) return { dropped: { reason: 'size', bytes } };
  // Within the size limit, the nesting is shallow enough to walk (see redaction/).
  const problem = textProblemIn(claim, 'ctx');
  if (problem) return { dropped: problem };
  return {
    kept: Object.fromEntries(
      Object.entries(claim).map(([k, v]) => [redactClientText(k).text, redactClientJson(v)]),
    ),
  };
}

/**
 * The size of a value as JSON; nesting too deep to write out (a few thousand levels, which
 * a signed token can hold) counts as too large, so the claim is dropped rather than the
 * request failing.
 */
function jsonBytes(value: object): number {
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch (err) {
    if (err instanceof RangeError) return Number.POSITIVE_INFINITY;
    throw err;
  }
}

export function createTokenVerifier(
  config: Extract<AuthConfig, { mode: 'jwt' }>,
  options: VerifierOptions = {},
): TokenVerifier {
  const common: JWTVerifyOptions = {
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  const jwks = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), {
        cooldownDuration: options.jwksCooldownMs ?? TUNABLES.jwksCooldownMs.value,
        cacheMaxAge: TUNABLES.jwksCacheMaxAgeMs.value,
      })
    : undefined;
  // The secret as a key once: given the bytes, jose imports a key on every verification
  // (34-104 µs of CPU a token against 18-56 µs with the key, alternated on a busy machine).
  const secret = config.secret
    ? crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(config.secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      )
    : undefined;

  const check = async (token: string) =>
    jwks
      ? jwtVerify(token, jwks, { ...common, algorithms: ['RS256', 'ES256'] })
      : jwtVerify(token, (await secret) ?? new Uint8Array(), { ...common, algorithms: ['HS256'] });

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await check(token));
      } catch (err) {
        if (err instanceof errors.JWTExpired) {
          throw tokenExpired();
        }
        if (err instanceof errors.JWTClaimValidationFailed) {
          throw new Unauthorized(`Invalid token: ${err.claim} check failed`, 'INVALID_TOKEN');
        }
        throw new AppError('INVALID_TOKEN');
      }
      const exp = expiryOf(payload);
      const actor = toActor(payload);
      const ctx = isAdmin(actor) ? undefined : contextOf(payload.ctx);
      if (ctx && 'dropped' in ctx) options.onContextDropped?.(actor.id, ctx.dropped);
      else if (ctx) actor.ctx = ctx.kept;
      return { actor, expiresAt: (exp + CLOCK_TOLERANCE_SECONDS) * 1000 };
    },
  };
}
