/**
 * The words of the contract, declared once as plain `as const` arrays: the chat statuses,
 * sender, reader and message types, roles, and the bounds the contract names (LIMITS, from
 * limits.ts). The zod schemas (shapes.ts, inputs.ts), the store's column types, the
 * importer and the web pages all build from these, so adding a message type or changing a
 * length is one edit here.
 * No zod at runtime: the browser bundles import this file.
 */

export const CHAT_STATUSES = ['waiting', 'active', 'closed'] as const;
export const SENDER_TYPES = ['user', 'admin', 'system'] as const;
/** Who marks messages read: a chat's two sides (system messages never read anything). */
export const READER_TYPES = ['user', 'admin'] as const;
export const MESSAGE_TYPES = ['text', 'image', 'file'] as const;
export const ROLES = ['user', 'admin', 'superadmin'] as const;
/** What an attachment may be, decided by its content (src/attachments/content-type.ts). */
export const ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
] as const;

/** What an admin says about taking chats (set-availability); `online` is presence's, apart. */
export const AVAILABILITIES = ['available', 'away'] as const;

/** Whose a canned reply is: one admin's own, or the whole team's (written by superadmins). */
export const CANNED_SCOPES = ['personal', 'team'] as const;
/** What a stored text had masked before it was stored (a message's `redacted`). */
export const REDACTION_KINDS = ['pan'] as const;

/** Every change of state the audit log records (its `action`). */
export const AUDIT_ACTIONS = [
  'chat.opened',
  'chat.taken',
  'chat.locked',
  'chat.transferred',
  'chat.unlocked',
  'chat.closed',
  'chat.rated',
  'chat.labelled',
  'note.added',
  'attachment.downloaded',
  'agent.availability',
  'agent.capacity',
  'canned.changed',
  'webhook.retried',
  'user.exported',
  'user.erased',
] as const;

/** Who an audit entry names as acting: a person's role, v2's anonymous caller, or the server. */
export const AUDIT_ACTOR_ROLES = [...ROLES, 'anonymous', 'system'] as const;

/** What other systems hear (the webhook events). */
export const WEBHOOK_EVENTS = [
  'chat.opened',
  'chat.assigned',
  'chat.transferred',
  'chat.closed',
  'chat.rated',
  'message.created',
] as const;

/** What GET /api/reports/timeseries draws (docs/reports.md). */
export const REPORT_METRICS = ['opened', 'closed', 'firstResponse', 'csat'] as const;
/** The timeseries' buckets, in the requested time zone. */
export const REPORT_INTERVALS = ['hour', 'day'] as const;
/** How a report answers: the JSON envelope, or CSV with a header row of the field names. */
export const REPORT_FORMATS = ['json', 'csv'] as const;

/** Where a webhook delivery stands. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** AUTH_MODE: `jwt` (tokens name the caller) or `none` (payloads do: demos, v2 clients). */
export const AUTH_MODES = ['none', 'jwt'] as const;

export type ChatStatus = (typeof CHAT_STATUSES)[number];
export type SenderType = (typeof SENDER_TYPES)[number];
export type ReaderType = (typeof READER_TYPES)[number];
export type MessageType = (typeof MESSAGE_TYPES)[number];
export type Role = (typeof ROLES)[number];
export type Availability = (typeof AVAILABILITIES)[number];
export type CannedScope = (typeof CANNED_SCOPES)[number];
export type RedactionKind = (typeof REDACTION_KINDS)[number];
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditActorRole = (typeof AUDIT_ACTOR_ROLES)[number];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type ReportMetric = (typeof REPORT_METRICS)[number];
export type ReportInterval = (typeof REPORT_INTERVALS)[number];
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type AuthMode = (typeof AUTH_MODES)[number];

/** `['pan']` when card numbers were masked (a count from src/redaction), else nothing. */
export function redactedKinds(masked: number): RedactionKind[] | undefined {
  return masked > 0 ? ['pan'] : undefined;
}

/** Whether `value` is one of `words` (narrows an unknown value to the word's type). */
export function isOneOf<const W extends readonly string[]>(
  words: W,
  value: unknown,
): value is W[number] {
  return words.some((w) => w === value);
}

/** What erasure writes in place of a person's id or name (audit/chain.ts): this, then a keyed hash. */
export const ERASED = 'erased:';
/** Hex digits of the keyed hash a pseudonym carries after `erased:`. */
export const PSEUDONYM_HEX = 32;
/** Exactly what pseudonym() writes: nothing a person typed is taken for it unless it is one. */
const SEALED = new RegExp(`^${ERASED}[0-9a-f]{${PSEUDONYM_HEX}}$`);

/** Whether `value` has the exact form of a pseudonym (then sealing keeps it as it is). */
export const isPseudonym = (value: string): boolean => SEALED.test(value);

export * as LIMITS from './limits.js';

/** What an erasure writes over every text and name of the user: clients show it as is. */
export const ERASED_TEXT = '[erased]';
