import proxyAddr from 'proxy-addr';
import { type BusinessHours, parseSchedule, ScheduleError } from './hours/schedule.js';
import { isKnownZone } from './time/wall-clock.js';
import { OVERRIDABLE, type OverridableName, overrideOf, TUNABLES } from './tunables.js';

/**
 * Configuration from the environment (README "Configuration", .env.example), checked once
 * at start. A bad value throws ConfigError naming the variable; main.ts prints that one
 * line and exits.
 */

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export type AuthConfig =
  | { mode: 'none' }
  | {
      mode: 'jwt';
      secret: string | undefined;
      jwksUrl: string | undefined;
      issuer: string | undefined;
      audience: string | undefined;
    };

/**
 * ROUTING: `manual` (v2: every waiting chat is offered to every admin, who take them) or
 * `auto` (the server assigns each waiting chat, oldest first; src/routing).
 */
export type RoutingMode = 'manual' | 'auto';
const ROUTING_MODES = ['manual', 'auto'];

export interface RoutingConfig {
  mode: RoutingMode;
  /**
   * ROUTING_REPLY_TIMEOUT (seconds, given here in ms): an automatically assigned chat whose
   * admin wrote nothing within it goes back to the queue. Undefined: never.
   */
  replyTimeoutMs: number | undefined;
}

/** pretty: one readable line per entry (a terminal); json: pino's lines (a log collector). */
export type LogFormat = 'pretty' | 'json';

export interface Config {
  port: number;
  /** HOST, else loopback with AUTH_MODE=none (anyone reaching it can act as anyone), else all. */
  host: string;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  /** Put before every Redis name this deployment uses (REDIS_PREFIX); undefined: none. */
  redisPrefix: string | undefined;
  /** How long a Redis command may wait for its answer before the node goes on without it. */
  redisCommandTimeoutMs: number;
  corsOrigin: '*' | string[];
  /** Pages that may frame the console and hand it a token (never CORS_ORIGIN's list). */
  consoleParentOrigins: string[];
  auth: AuthConfig;
  nodeEnv: string;
  logLevel: string;
  /** LOG_FORMAT; unset: pretty when stdout is a terminal, json otherwise (server.ts decides). */
  logFormat: LogFormat | 'auto';
  rateLimit: { enabled: boolean; messagesPerSecond: number; messagesBurst: number };
  /** Which proxies' X-Forwarded-For to believe (Fastify's trustProxy forms); false: none. */
  trustProxy: boolean | number | string[];
  /** Prometheus /metrics: on a port of its own and/or behind a bearer token; neither = off. */
  metrics: { port: number | undefined; token: string | undefined };
  /** On SIGTERM, /ready answers 503 this long before connections are closed. */
  shutdownDrainMs: number;
  /**
   * PUBLIC_URL: where clients reach this server (scheme, host, optional path; no trailing
   * slash). Messages' attachment fileUrl is absolute with it; undefined: a path.
   */
  publicUrl: string | undefined;
  /** Signs attachment download links (else derived from JWT_SECRET; see attachments/signed-urls.ts). */
  attachmentUrlSecret: string | undefined;
  /** WEBHOOK_URLS and WEBHOOK_SECRET: where events go and the key that signs them; undefined: off. */
  webhooks: { urls: string[]; secret: string } | undefined;
  routing: RoutingConfig;
  /** REDACT: card numbers in clients' texts masked before anything keeps them (on), or not. */
  redact: boolean;
  /** RETENTION_DAYS: closed chats older than this many days are purged daily; undefined: kept forever. */
  retentionDays: number | undefined;
  /** BUSINESS_HOURS in BUSINESS_TIMEZONE; undefined: always open. They tell users, not agents. */
  businessHours: BusinessHours | undefined;
  /** Every overridable tunable (src/tunables.ts): its environment variable, else its default. */
  tunables: Readonly<Record<OverridableName, number>>;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_SQLITE_PATH = './data/chat.db';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['pretty', 'json'];

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function parsePort(env: Env, name = 'PORT'): number | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return name === 'PORT' ? 3001 : undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(name, `"${raw}" is not a port number (0-65535)`);
  }
  return port;
}

function parseUrl(name: string, raw: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return url;
}

const ENCODE_THE_PASSWORD =
  'a password in it must be percent-encoded (@ is %40, / is %2F, : is %3A, # is %23, ? is %3F, % is %25), or leave it out of the URL and set PGPASSWORD';

/**
 * A password with `#`, `/` or `?` that still parses: digits before that character read as a
 * port (the user became the host), or an `@` in the password before it made the host of
 * the password's rest; either way the real `@` and host are left after it. In the path, an
 * `@` followed by a host and a port or a database (`/w:rd@db:5432/chat`) is that; one
 * without (`/sales@eu`) is a database's name, which pg cannot read percent-encoded. A query
 * holds one only in a parameter's value, which pg takes as written
 * (`?user=chat&password=p@ss`), and only where the URL names its database (a URL without one
 * has the password's rest as its query).
 */
function leftAnAtAfterHost(url: URL): boolean {
  const inPath = url.pathname.lastIndexOf('@');
  if (inPath !== -1 && /[/:]/.test(url.pathname.slice(inPath + 1))) return true;
  if (url.hash.includes('@')) return true;
  const at = url.search.indexOf('@');
  if (at === -1) return false;
  if (url.pathname.length <= 1) return true;
  const value = url.search.indexOf('=');
  return value === -1 || at < value;
}

function parseDatabase(env: Env): DatabaseConfig {
  const raw = nonEmpty(env, 'DATABASE_URL');
  if (raw === undefined) {
    if (nonEmpty(env, 'MONGODB_URI') !== undefined) {
      throw new ConfigError(
        'MONGODB_URI',
        'MongoDB is not a supported store in v3. Set DATABASE_URL to a postgres:// URL (or leave it unset for the embedded SQLite store), export the chats and messages collections with mongoexport and load them with `npm run import:v2`; see docs/import-v2.md.',
      );
    }
    return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  }
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (!path) throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path or :memory:');
    return { kind: 'sqlite', path };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    // Most often a password with `#`, `/` or `?` in it, which ends the URL's authority
    // early; the message never repeats the URL, which holds that password.
    if (!URL.canParse(raw)) {
      throw new ConfigError('DATABASE_URL', `is not a valid URL: ${ENCODE_THE_PASSWORD}`);
    }
    const url = parseUrl('DATABASE_URL', raw, ['postgres:', 'postgresql:']);
    if (leftAnAtAfterHost(url)) {
      throw new ConfigError('DATABASE_URL', `has an @ after its host: ${ENCODE_THE_PASSWORD}`);
    }
    if (!url.hostname && url.pathname.length <= 1) {
      throw new ConfigError('DATABASE_URL', 'names no host and no database');
    }
    return { kind: 'postgres', url: raw };
  }
  throw new ConfigError(
    'DATABASE_URL',
    'must be postgres://…, postgresql://…, sqlite:<path> or sqlite::memory:',
  );
}

/** A comma-separated list of exact origins (scheme, host and port; no path). */
function exactOrigins(name: string, raw: string): string[] {
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    const url = parseUrl(name, origin, ['http:', 'https:']);
    if (url.origin !== origin) {
      throw new ConfigError(name, `"${origin}" is not an exact origin (use ${url.origin})`);
    }
  }
  return origins;
}

function parseCors(env: Env): '*' | string[] {
  const raw = nonEmpty(env, 'CORS_ORIGIN');
  if (raw === undefined || raw === '*') return '*';
  return exactOrigins('CORS_ORIGIN', raw);
}

/**
 * CONSOLE_PARENT_ORIGINS: the admin panels that may frame the console and hand it a token.
 * Its own list, default none: CORS_ORIGIN must name the user-facing app, which must not
 * frame the console of an admin.
 */
function parseConsoleParents(env: Env): string[] {
  const raw = nonEmpty(env, 'CONSOLE_PARENT_ORIGINS');
  if (raw === '*') {
    throw new ConfigError('CONSOLE_PARENT_ORIGINS', 'must list exact origins, not *');
  }
  return raw === undefined ? [] : exactOrigins('CONSOLE_PARENT_ORIGINS', raw);
}

function parseAuth(env: Env, production: boolean): AuthConfig {
  const chosen = nonEmpty(env, 'AUTH_MODE');
  const mode = chosen ?? (production ? 'jwt' : 'none');
  if (mode === 'none') {
    if (production && env.ALLOW_INSECURE_AUTH !== 'true') {
      throw new ConfigError(
        'AUTH_MODE',
        'none is refused when NODE_ENV=production (set ALLOW_INSECURE_AUTH=true to override)',
      );
    }
    return { mode: 'none' };
  }
  if (mode !== 'jwt') throw new ConfigError('AUTH_MODE', `must be "none" or "jwt", not "${mode}"`);
  const secret = nonEmpty(env, 'JWT_SECRET');
  const jwksUrl = nonEmpty(env, 'JWT_JWKS_URL');
  if (!secret && !jwksUrl) {
    // Someone who set only NODE_ENV=production never chose jwt: say where it came from.
    const why = chosen ? 'AUTH_MODE=jwt' : 'AUTH_MODE=jwt (the default with NODE_ENV=production)';
    throw new ConfigError('JWT_SECRET', `${why} needs JWT_SECRET or JWT_JWKS_URL`);
  }
  if (secret && jwksUrl) {
    throw new ConfigError('JWT_SECRET', 'set JWT_SECRET or JWT_JWKS_URL, not both');
  }
  if (jwksUrl) parseUrl('JWT_JWKS_URL', jwksUrl, ['http:', 'https:']);
  if (secret && Buffer.byteLength(secret) < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 bytes for HS256');
  }
  return {
    mode: 'jwt',
    secret,
    jwksUrl,
    issuer: nonEmpty(env, 'JWT_ISSUER'),
    audience: nonEmpty(env, 'JWT_AUDIENCE'),
  };
}

/** A tunable's environment variable, checked against what its catalogue entry accepts. */
function parseTunable(env: Env, name: OverridableName, production: boolean): number {
  const { env: variable, accepts, production: inProduction } = overrideOf(name);
  const raw = nonEmpty(env, variable);
  if (raw === undefined)
    return production ? (inProduction ?? TUNABLES[name].value) : TUNABLES[name].value;
  const value = Number(raw);
  if (accepts.kind === 'positive') {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(variable, `"${raw}" is not a positive number`);
    }
    return value;
  }
  if (!Number.isInteger(value) || value < accepts.min || value > accepts.max) {
    const { unit } = TUNABLES[name];
    // A count is the number itself: "a whole number of count" says nothing more.
    const of = unit === 'count' ? '' : ` of ${unit}`;
    throw new ConfigError(
      variable,
      `"${raw}" is not a whole number${of} (${accepts.min}-${accepts.max})`,
    );
  }
  return value;
}

function parseTunables(env: Env, production: boolean): Config['tunables'] {
  // Object.fromEntries cannot know its keys; they are OVERRIDABLE's, every one of them.
  return Object.fromEntries(
    OVERRIDABLE.map((name) => [name, parseTunable(env, name, production)]),
  ) as Config['tunables'];
}

/**
 * An address, a CIDR or a named range as proxy-addr (which the server's trust rule
 * compiles: src/client-address.ts) takes it; anything else it would refuse only when the
 * server starts, without naming the variable.
 */
function isProxyAddress(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/** TRUST_PROXY: off (default), true (every hop), a hop count, or proxy addresses/CIDRs. */
function parseTrustProxy(env: Env): Config['trustProxy'] {
  const raw = nonEmpty(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false' || raw === 'off') return false;
  if (raw === 'true' || raw === 'on') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = list.find((a) => !isProxyAddress(a));
  if (bad !== undefined) {
    throw new ConfigError('TRUST_PROXY', `"${bad}" is not true, a hop count, an address or a CIDR`);
  }
  return list;
}

/** Letters, digits, `_`, `.`, `-`, in segments joined by `:`; at most 64 characters. */
const REDIS_PREFIX_PATTERN = /^(?=.{1,64}$)[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$/;

/**
 * REDIS_PREFIX: `prod`, `eu:staging` …; every Redis name of the deployment becomes
 * `prod:presence:due` and so on (src/redis/prefix.ts).
 */
function parseRedisPrefix(env: Env): string | undefined {
  const raw = nonEmpty(env, 'REDIS_PREFIX');
  if (raw !== undefined && !REDIS_PREFIX_PATTERN.test(raw)) {
    throw new ConfigError(
      'REDIS_PREFIX',
      `"${raw}" must be letters, digits, _ . - in segments joined by ":" (at most 64 characters, no ":" at either end)`,
    );
  }
  return raw;
}

function parseMetrics(env: Env, mainPort: number): Config['metrics'] {
  const token = nonEmpty(env, 'METRICS_TOKEN');
  if (token !== undefined && token.length < 16) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  }
  const port = parsePort(env, 'METRICS_PORT');
  // Otherwise the second listen fails as "PORT: address already in use", naming no one.
  if (port !== undefined && port !== 0 && port === mainPort) {
    throw new ConfigError(
      'METRICS_PORT',
      `${port} is the main port (PORT) too: give metrics a port of their own, or leave METRICS_PORT unset and set METRICS_TOKEN to serve them on the main port`,
    );
  }
  return { port, token };
}

/** PUBLIC_URL: http(s), no credentials, query or fragment; kept without a trailing slash. */
function parsePublicUrl(env: Env): string | undefined {
  const raw = nonEmpty(env, 'PUBLIC_URL');
  if (raw === undefined) return undefined;
  const url = parseUrl('PUBLIC_URL', raw, ['http:', 'https:']);
  const example = 'e.g. https://chat.example.com';
  if (url.username || url.password) {
    throw new ConfigError('PUBLIC_URL', `must not carry a user name or password (${example})`);
  }
  if (url.search || raw.includes('?')) {
    throw new ConfigError('PUBLIC_URL', `must not have a query string (${example})`);
  }
  if (url.hash || raw.includes('#')) {
    throw new ConfigError('PUBLIC_URL', `must not have a fragment (${example})`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseAttachmentUrlSecret(env: Env): string | undefined {
  const secret = nonEmpty(env, 'ATTACHMENT_URL_SECRET');
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new ConfigError('ATTACHMENT_URL_SECRET', 'must be at least 32 bytes');
  }
  return secret;
}

/** Standard Webhooks' secret form: `whsec_` + base64 of the key bytes (at least 24 of them). */
function parseWebhooks(env: Env): Config['webhooks'] {
  const rawUrls = nonEmpty(env, 'WEBHOOK_URLS');
  const secret = nonEmpty(env, 'WEBHOOK_SECRET');
  if (rawUrls === undefined) {
    if (secret !== undefined)
      throw new ConfigError('WEBHOOK_SECRET', 'is set but WEBHOOK_URLS is not');
    return undefined;
  }
  const urls = rawUrls
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const raw of urls) {
    const url = parseUrl('WEBHOOK_URLS', raw, ['http:', 'https:']);
    // fetch refuses a URL with credentials, so every delivery to it would fail (its error,
    // naming them, kept in the failed list); the signature is what a receiver checks.
    if (url.username || url.password) {
      throw new ConfigError(
        'WEBHOOK_URLS',
        'must not carry a user name or password (receivers verify the webhook-signature header; a token may go in the path or query)',
      );
    }
  }
  if (urls.length === 0) throw new ConfigError('WEBHOOK_URLS', 'names no URL');
  if (secret === undefined)
    throw new ConfigError('WEBHOOK_SECRET', 'is required with WEBHOOK_URLS');
  const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : undefined;
  if (
    key === undefined ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(key) ||
    Buffer.from(key, 'base64').length < 24
  ) {
    throw new ConfigError(
      'WEBHOOK_SECRET',
      'must be whsec_ followed by the base64 of at least 24 random bytes',
    );
  }
  return { urls: [...new Set(urls)], secret };
}

/**
 * BUSINESS_HOURS (`Mon-Fri 09:00-18:00; Sat 10:00-14:00`, see hours/schedule.ts) read in
 * BUSINESS_TIMEZONE, which it requires: hours read in the server's own zone would move
 * with wherever it happens to run.
 */
function parseBusinessHours(env: Env): BusinessHours | undefined {
  const text = nonEmpty(env, 'BUSINESS_HOURS');
  const timeZone = nonEmpty(env, 'BUSINESS_TIMEZONE');
  if (timeZone !== undefined && !isKnownZone(timeZone)) {
    throw new ConfigError(
      'BUSINESS_TIMEZONE',
      `"${timeZone}" is not an IANA time zone (such as Asia/Tashkent)`,
    );
  }
  if (text === undefined) return undefined;
  if (timeZone === undefined) {
    throw new ConfigError(
      'BUSINESS_TIMEZONE',
      'must be set with BUSINESS_HOURS: the IANA zone the hours are in (such as Asia/Tashkent)',
    );
  }
  try {
    return { schedule: parseSchedule(text), timeZone };
  } catch (err) {
    if (err instanceof ScheduleError) throw new ConfigError('BUSINESS_HOURS', err.message);
    throw err;
  }
}

/** The longest RETENTION_DAYS: a hundred years (longer is "forever": leave it unset). */
const RETENTION_MAX_DAYS = 36_500;

function parseRetentionDays(env: Env): number | undefined {
  const raw = nonEmpty(env, 'RETENTION_DAYS');
  if (raw === undefined) return undefined;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > RETENTION_MAX_DAYS) {
    throw new ConfigError(
      'RETENTION_DAYS',
      `"${raw}" is not a whole number of days (1-${RETENTION_MAX_DAYS}); leave it unset to keep chats forever`,
    );
  }
  return days;
}

/** The longest ROUTING_REPLY_TIMEOUT: a day (an answer later than that is no timeout). */
const REPLY_TIMEOUT_MAX_SECONDS = 86_400;

function parseRouting(env: Env): RoutingConfig {
  const mode = nonEmpty(env, 'ROUTING') ?? 'manual';
  if (mode !== 'manual' && mode !== 'auto') {
    throw new ConfigError('ROUTING', `must be one of ${ROUTING_MODES.join(', ')}, not "${mode}"`);
  }
  const raw = nonEmpty(env, 'ROUTING_REPLY_TIMEOUT');
  if (raw === undefined) return { mode, replyTimeoutMs: undefined };
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > REPLY_TIMEOUT_MAX_SECONDS) {
    throw new ConfigError(
      'ROUTING_REPLY_TIMEOUT',
      `"${raw}" is not a whole number of seconds (1-${REPLY_TIMEOUT_MAX_SECONDS}); leave it unset for no timeout`,
    );
  }
  if (mode !== 'auto') {
    throw new ConfigError('ROUTING_REPLY_TIMEOUT', 'applies to ROUTING=auto only');
  }
  return { mode, replyTimeoutMs: seconds * 1000 };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = nonEmpty(env, 'NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';
  const logLevel = nonEmpty(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const redisRaw = nonEmpty(env, 'REDIS_URL');
  if (redisRaw) parseUrl('REDIS_URL', redisRaw, ['redis:', 'rediss:']);
  const rateLimitRaw = nonEmpty(env, 'RATE_LIMIT') ?? 'on';
  if (rateLimitRaw !== 'on' && rateLimitRaw !== 'off') {
    throw new ConfigError('RATE_LIMIT', 'must be "on" or "off"');
  }
  const redactRaw = nonEmpty(env, 'REDACT') ?? 'on';
  if (redactRaw !== 'on' && redactRaw !== 'off') {
    throw new ConfigError('REDACT', 'must be "on" or "off"');
  }
  const logFormat = nonEmpty(env, 'LOG_FORMAT');
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat)) {
    throw new ConfigError('LOG_FORMAT', `must be one of ${LOG_FORMATS.join(', ')}`);
  }
  const tunables = parseTunables(env, production);
  const auth = parseAuth(env, production);
  const port = parsePort(env) ?? 3001;
  return {
    port,
    host: nonEmpty(env, 'HOST') ?? (auth.mode === 'none' ? '127.0.0.1' : '0.0.0.0'),
    database: parseDatabase(env),
    redisUrl: redisRaw,
    redisPrefix: parseRedisPrefix(env),
    redisCommandTimeoutMs: tunables.redisCommandTimeoutMs,
    corsOrigin: parseCors(env),
    consoleParentOrigins: parseConsoleParents(env),
    auth,
    nodeEnv,
    logLevel,
    logFormat: logFormat === 'pretty' || logFormat === 'json' ? logFormat : 'auto',
    rateLimit: {
      enabled: rateLimitRaw === 'on',
      messagesPerSecond: tunables.messagesPerSecond,
      messagesBurst: tunables.messagesBurst,
    },
    trustProxy: parseTrustProxy(env),
    metrics: parseMetrics(env, port),
    shutdownDrainMs: tunables.shutdownDrainMs,
    publicUrl: parsePublicUrl(env),
    attachmentUrlSecret: parseAttachmentUrlSecret(env),
    routing: parseRouting(env),
    redact: redactRaw === 'on',
    webhooks: parseWebhooks(env),
    businessHours: parseBusinessHours(env),
    retentionDays: parseRetentionDays(env),
    tunables,
  };
}
