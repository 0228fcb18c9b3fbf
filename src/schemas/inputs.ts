/**
 * Every REST body/query and socket payload, declared once with zod. The same schemas
 * validate HTTP requests (through the Fastify type provider), socket payloads, and
 * produce the OpenAPI document.
 */
import { z } from 'zod';
import { LIMITS } from './shapes.js';

/**
 * Text every store can hold alike: no NUL (PostgreSQL refuses it in text) and no lone
 * surrogate (it cannot be encoded as UTF-8, so a store would silently replace it).
 */
export const isStorableText = (v: string): boolean => !v.includes('\u0000') && v.isWellFormed();

const text = (maxChars: number) =>
  z
    .string()
    .max(maxChars)
    .refine((v) => !v.includes('\u0000'), 'must not contain a NUL character')
    .refine((v) => v.isWellFormed(), 'must not contain a lone surrogate');

/**
 * Unicode's embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) make
 * text display in another order than it is written: a name ending in U+202E turns around
 * what a page writes after it. A name has no use for them (pages show each name isolated),
 * so names refuse them; message texts keep them and clients neutralise them when shown.
 * The marks U+200E, U+200F and U+061C stay: right-to-left names need them.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
export const isPlainName = (v: string): boolean => !BIDI_CONTROLS.test(v);
export const PLAIN_NAME_RULE =
  'must not contain bidirectional embedding, override or isolate controls (U+202A-U+202E, U+2066-U+2069)';

const id = text(LIMITS.idChars).trim().min(1);
const name = text(LIMITS.nameChars).refine(isPlainName, PLAIN_NAME_RULE);
/** Only web links: a client renders it, so `javascript:`, `data:` or `file:` must never get in. */
const fileUrl = text(LIMITS.urlChars).refine((v) => {
  if (!URL.canParse(v)) return false;
  const { protocol } = new URL(v);
  return protocol === 'http:' || protocol === 'https:';
}, 'must be an http(s) URL');
/** v2 clients send JSON booleans; query strings carry "true"/"false". */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const senderType = z.enum(['user', 'admin', 'system']);
const readerType = z.enum(['user', 'admin']);
const messageType = z.enum(['text', 'image', 'file']);

export const ChatIdParams = z.object({ chatId: id });
export const UserIdParams = z.object({ userId: id });
export const AdminIdParams = z.object({ adminId: id });

export const OpenChatBody = z.object({ userId: id, userName: name });

export const WaitingQuery = z.object({ adminId: id.optional(), isSuperAdmin: flag.optional() });
export const AllChatsQuery = z.object({
  status: z.enum(['waiting', 'active', 'closed']).optional(),
});

export const TakeChatBody = z.object({
  chatId: id,
  adminId: id,
  adminName: name,
  isSuperAdmin: flag.optional(),
});

export const TransferChatBody = z.object({
  chatId: id,
  fromAdminId: id,
  toAdminId: id,
  toAdminName: name,
  isSuperAdmin: flag.optional(),
});

export const UnlockChatBody = z.object({
  chatId: id,
  adminId: id,
  isSuperAdmin: flag.optional(),
});

/** v2 sent no body; an identity may be named so the close rule can be applied. */
export const CloseChatBody = z
  .object({
    userId: id.optional(),
    adminId: id.optional(),
    isSuperAdmin: flag.optional(),
  })
  .nullish();

const messageFields = {
  content: text(LIMITS.contentChars),
  messageType: messageType.optional(),
  fileUrl: fileUrl.nullish(),
  clientMessageId: id.optional(),
};

const requireTextOrFile = <T extends { content: string; fileUrl?: string | null | undefined }>(
  m: T,
) => m.content.trim().length > 0 || Boolean(m.fileUrl);
const textOrFileError = {
  message: 'content must not be empty (or give a fileUrl)',
  path: ['content'],
};

export const SendMessageBody = z
  .object({
    chatId: id.optional(),
    senderId: id,
    senderType,
    senderName: name,
    ...messageFields,
  })
  .refine(requireTextOrFile, textOrFileError);

/** The largest integer both stores keep in `seq` (PostgreSQL's int4). */
export const MAX_STORED_INT = 2_147_483_647;

/** A query-string whole number; an empty or fractional value is an error, not 0. */
const wholeNumber = (min: number, max = MAX_STORED_INT) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const HistoryQuery = z
  .object({
    page: wholeNumber(1).optional(),
    limit: wholeNumber(1, LIMITS.historyMaxLimit).optional(),
    before: wholeNumber(1).optional(),
    after: wholeNumber(0).optional(),
  })
  .refine((q) => [q.page, q.before, q.after].filter((v) => v !== undefined).length <= 1, {
    message: 'use only one of page, before, after',
    path: ['page'],
  });

export const MarkReadBody = z.object({ chatId: id, readerId: id, readerType });

export const TypingBody = z.object({
  chatId: id,
  userId: id,
  userName: name,
  isTyping: z.boolean(),
});

export const StatusBody = z.object({ userId: id, online: z.boolean() });

// Socket-only payloads.
export const JoinUserPayload = z.object({ userId: id, userName: name.optional() });
export const JoinAdminPayload = z.object({
  adminId: id,
  adminName: name.optional(),
  isSuperAdmin: flag.optional(),
});
export const ChatRefPayload = z.object({ chatId: id });
/** The sender comes from the socket; v2-style sender fields are still accepted. */
export const SocketSendPayload = z
  .object({
    chatId: id.optional(),
    senderId: id.optional(),
    senderType: senderType.optional(),
    senderName: name.optional(),
    ...messageFields,
  })
  .refine(requireTextOrFile, textOrFileError);

/** First issue of a failed parse, as one sentence naming the field. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const field = issue.path.map(String).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}
