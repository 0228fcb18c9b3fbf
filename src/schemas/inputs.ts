/**
 * Every REST body/query and socket payload, declared once with zod. The same schemas
 * validate HTTP requests (through the Fastify type provider), socket payloads, and
 * produce the OpenAPI document.
 */
import { z } from 'zod';
import { redactClientText } from '../redaction/client-text.js';
import { isPlainName, isWebUrl, PLAIN_NAME_RULE, textProblem, WEB_URL_RULE } from './text-rules.js';
import {
  AUDIT_ACTIONS,
  AVAILABILITIES,
  CHAT_STATUSES,
  LIMITS,
  MESSAGE_TYPES,
  READER_TYPES,
  type RedactionKind,
  redactedKinds,
  SENDER_TYPES,
} from './vocabulary.js';

const text = (maxChars: number) =>
  z
    .string()
    .max(maxChars)
    .superRefine((v, ctx) => {
      const problem = textProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `must not contain a ${problem}` });
    });

const id = text(LIMITS.idChars).trim().min(1);
/** A text a person wrote (not an id): card numbers in it are masked as it is parsed. */
const maskedText = (maxChars: number) => text(maxChars).transform((v) => redactClientText(v).text);
const name = maskedText(LIMITS.nameChars).refine(isPlainName, PLAIN_NAME_RULE);
const fileUrl = text(LIMITS.urlChars).refine(isWebUrl, WEB_URL_RULE);
/** v2 clients send JSON booleans; query strings carry "true"/"false". */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const senderType = z.enum(SENDER_TYPES);
const readerType = z.enum(READER_TYPES);
const messageType = z.enum(MESSAGE_TYPES);

export const ChatIdParams = z.object({ chatId: id });
export const UserIdParams = z.object({ userId: id });
export const AdminIdParams = z.object({ adminId: id });

export const OpenChatBody = z.object({ userId: id, userName: name });

export const WaitingQuery = z.object({ adminId: id.optional(), isSuperAdmin: flag.optional() });
/** With AUTH_MODE=none the query names the admin asking (as the queue's does). */
export const AdminsQuery = z.object({ adminId: id.optional(), isSuperAdmin: flag.optional() });
export const AllChatsQuery = z.object({
  status: z.enum(CHAT_STATUSES).optional(),
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

/** An attachment id the server made (24 hex characters). */
const attachmentId = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'must be an attachment id from POST /api/attachments')
  .meta({
    description:
      'An uploaded attachment to send (POST /api/attachments); content may then be empty.',
  });

const messageFields = {
  content: text(LIMITS.contentChars),
  messageType: messageType.optional(),
  fileUrl: fileUrl.nullish(),
  clientMessageId: id.optional(),
  attachmentId: attachmentId.optional(),
};

type MessageFields = {
  content: string;
  fileUrl?: string | null | undefined;
  attachmentId?: string | undefined;
};
const requireTextOrFile = <T extends MessageFields>(m: T) =>
  m.content.trim().length > 0 || Boolean(m.fileUrl) || m.attachmentId !== undefined;
const textOrFileError = {
  message: 'content must not be empty (or give a fileUrl or an attachmentId)',
  path: ['content'],
};
/** An attachment's message takes its link from the attachment. */
const notBothFiles = <T extends MessageFields>(m: T) =>
  !(m.fileUrl && m.attachmentId !== undefined);
const bothFilesError = { message: 'give fileUrl or attachmentId, not both', path: ['fileUrl'] };
/** The content with its card numbers masked, and what was masked (the message's `redacted`). */
const withMaskedContent = <T extends MessageFields>(
  m: T,
): T & { redacted: RedactionKind[] | undefined } => {
  const { text: content, masked } = redactClientText(m.content);
  return { ...m, content, redacted: redactedKinds(masked) };
};

export const SendMessageBody = z
  .object({
    chatId: id.optional(),
    senderId: id,
    senderType,
    senderName: name,
    ...messageFields,
  })
  .refine(requireTextOrFile, textOrFileError)
  .refine(notBothFiles, bothFilesError)
  .transform(withMaskedContent);

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

export const AttachmentParams = z.object({
  attachmentId: z.string().regex(/^[0-9a-f]{24}$/, 'must be an attachment id'),
});
/** A signed download link's query; without it the Authorization header decides. */
export const AttachmentLinkQuery = z.object({
  exp: z.string().max(20).optional(),
  sig: z.string().max(100).optional(),
});
/**
 * The form fields of an upload besides `file` (multipart, so documented here and read by
 * the route): the chat, and v2's sender fields for AUTH_MODE=none.
 */
export const UploadFields = z.object({
  chatId: id.optional(),
  senderId: id.optional(),
  senderType: senderType.optional(),
  senderName: name.optional(),
});

/** set-availability and POST /api/agents/availability: the caller's own choice. */
export const AvailabilityBody = z.object({ status: z.enum(AVAILABILITIES) });
export const MaxChatsBody = z.object({
  maxChats: z.number().int().min(0).max(LIMITS.maxChatsMax),
});

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
  .refine(requireTextOrFile, textOrFileError)
  .refine(notBothFiles, bothFilesError)
  .transform(withMaskedContent);

/** First issue of a failed parse, as one sentence naming the field. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const field = issue.path.map(String).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** An ISO-8601 time with its zone (`2026-12-01T00:00:00Z`, `…+05:00`), read as that instant. */
const instant = z
  .string()
  .max(40)
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
    {
      message: 'must be an ISO-8601 time with a zone, e.g. 2026-12-01T00:00:00Z',
    },
  )
  .transform((v) => new Date(v).toISOString());

/**
 * GET /api/search: `q` is text, never a query language (search/rules.ts); `label` is
 * accepted by name so that a client written against §8.3 gets a 400 naming it, not an
 * "unknown parameter", until labels exist.
 */
export const SearchQuery = AdminsQuery.extend({
  q: text(LIMITS.searchQueryChars).trim().min(1),
  status: z.enum(CHAT_STATUSES).optional(),
  label: text(LIMITS.nameChars).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.searchMaxLimit).optional(),
  cursor: z.string().max(LIMITS.searchCursorChars).optional(),
});

export const AuditQuery = z.object({
  chatId: id.optional(),
  actorId: id.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: instant.optional().meta({ description: 'Entries at or after this time.' }),
  to: instant.optional().meta({ description: 'Entries before this time.' }),
  cursor: z.string().max(200).optional().meta({ description: "The previous page's `nextCursor`." }),
  limit: wholeNumber(1, LIMITS.auditPageMax).optional(),
  /** With AUTH_MODE=none the query names the admin asking (as GET /api/admins). */
  adminId: id.optional(),
  isSuperAdmin: flag.optional(),
});
