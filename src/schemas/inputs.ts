/**
 * Every REST body/query and socket payload, declared once with zod. The same schemas
 * validate HTTP requests (through the Fastify type provider), socket payloads, and
 * produce the OpenAPI document.
 */
import { z } from 'zod';
import { redactClientText } from '../redaction/client-text.js';
import { isKnownZone } from '../time/wall-clock.js';
import {
  distinctLabels,
  hasControlCharacters,
  hasVisibleCharacter,
  isPlainName,
  isShortcut,
  isWebUrl,
  PLAIN_NAME_RULE,
  SHORTCUT_RULE,
  textProblem,
  VISIBLE_CHARACTER_RULE,
  WEB_URL_RULE,
} from './text-rules.js';
import {
  AUDIT_ACTIONS,
  AVAILABILITIES,
  CANNED_SCOPES,
  CHAT_STATUSES,
  DELIVERY_STATUSES,
  LIMITS,
  MESSAGE_TYPES,
  READER_TYPES,
  REPORT_FORMATS,
  REPORT_INTERVALS,
  REPORT_METRICS,
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
const masked = (v: string): string => redactClientText(v).text;
const maskedText = (maxChars: number) => text(maxChars).transform(masked);
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
/**
 * The same, in the body of a v3 route that writes: where every v2 route that writes
 * names who asks (a client written for v2 puts it there too). http/asker.ts joins the two.
 */
const AskerInBody = { adminId: id.optional(), isSuperAdmin: flag.optional() };
/** A short text shown on one line (a label, a title): no line breaks, no bidi controls. */
const oneLine = (schema: z.ZodString) =>
  schema
    .superRefine((v, ctx) => {
      const problem = textProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `must not contain a ${problem}` });
    })
    .refine(
      (v) => !hasControlCharacters(v),
      'must not contain control characters (line breaks, tabs)',
    )
    .refine(isPlainName, PLAIN_NAME_RULE)
    .refine(hasVisibleCharacter, VISIBLE_CHARACTER_RULE);

const LABEL_LENGTH_RULE = `must be 1 to ${LIMITS.labelChars} characters after trimming`;
/** One chat label: 1-50 characters once trimmed, on one line, its card numbers masked. */
export const Label = oneLine(
  z.string().trim().min(1, LABEL_LENGTH_RULE).max(LIMITS.labelChars, LABEL_LENGTH_RULE),
).transform(masked);

export const AllChatsQuery = z.object({
  status: z.enum(CHAT_STATUSES).optional(),
  label: Label.optional().meta({
    description: 'Only chats carrying this label (case does not count).',
  }),
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

/**
 * A rating of a closed chat; with AUTH_MODE=none `userId` names the user rating. A blank
 * comment is no comment.
 */
export const RateChatBody = z.object({
  score: z.number().int().min(LIMITS.ratingMin).max(LIMITS.ratingMax),
  comment: maskedText(LIMITS.ratingCommentChars)
    .transform((v) => v.trim() || null)
    .nullish(),
  userId: id.optional(),
});

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
  internal: z.boolean().optional().meta({
    description:
      'true: an internal note for admins, not a message (admins who may view the chat; text only, chatId required).',
  }),
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
/** A note is text: no file, no other message type (attachments on notes: not supported). */
const noteIsText = <
  T extends MessageFields & { internal?: boolean | undefined; messageType?: string | undefined },
>(
  m: T,
) =>
  m.internal !== true ||
  (!m.fileUrl && m.attachmentId === undefined && (m.messageType ?? 'text') === 'text');
const noteIsTextError = {
  message: 'an internal note is text only: no attachmentId, fileUrl or messageType but text',
  path: ['internal'],
};
/**
 * The content and link with their card numbers masked, and what was masked (the message's
 * `redacted`): a link is text the client wrote too (`?card=4111…`), stored and sent on alike.
 * Written into the object the parse has just made (nobody else holds it): a copy by spread
 * cost every send ~4 µs of CPU, five times the rest of its parse.
 */
const withMaskedContent = <T extends MessageFields>(
  m: T,
): T & { redacted: RedactionKind[] | undefined } => {
  const { text: content, masked } = redactClientText(m.content);
  if (!m.fileUrl) return Object.assign(m, { content, redacted: redactedKinds(masked) });
  const link = redactClientText(m.fileUrl);
  return Object.assign(m, {
    content,
    fileUrl: link.text,
    redacted: redactedKinds(masked + link.masked),
  });
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
  .refine(noteIsText, noteIsTextError)
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
    includeNotes: z
      .enum(['0', '1', 'true', 'false'])
      .transform((v) => v === '1' || v === 'true')
      .optional()
      .meta({ description: 'Admins: 1 adds the internal notes of the page (`notes`).' }),
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
  exp: z.string().max(LIMITS.linkExpiryChars).optional(),
  sig: z.string().max(LIMITS.linkSignatureChars).optional(),
  /** Who the link was handed to (base64url JSON); a link without names no one. */
  v: z.string().max(LIMITS.linkViewerChars).optional(),
});
/**
 * The form fields of an upload besides `file` (multipart, so documented here and read by
 * the route): the chat, and v2's sender fields for AUTH_MODE=none.
 */
export const UploadFields = z
  .object({
    chatId: id.optional(),
    senderId: id.optional(),
    senderType: senderType.optional(),
    senderName: name.optional(),
  })
  // A role claimed for no one would be checked against nothing and ignored: a claim that
  // must agree with the token names whom it is about.
  .refine((fields) => fields.senderType === undefined || fields.senderId !== undefined, {
    message: 'senderType needs senderId (whose type it is)',
    path: ['senderType'],
  });

/** The upload's whole form, as the OpenAPI document shows it: the fields, then the file. */
export const UploadForm = z.object({
  ...UploadFields.shape,
  file: z.string().meta({
    format: 'binary',
    description: 'The file: the last part, after every field (a field after it is a `400`).',
  }),
});

/** set-availability and POST /api/agents/availability: the caller's own choice. */
export const AvailabilityBody = z.object({ status: z.enum(AVAILABILITIES) });
export const MaxChatsBody = z.object({
  maxChats: z.number().int().min(0).max(LIMITS.maxChatsMax),
});

/**
 * PUT /api/chats/:chatId/labels: the chat's whole set. Labels are trimmed and repeats
 * (case does not count) dropped, the first spelling kept; what remains must be at most
 * LIMITS.labelsPerChat. An empty list removes every label.
 */
export const LabelsBody = z.object({
  labels: z
    .array(Label)
    .max(LIMITS.labelsPerRequest, `at most ${LIMITS.labelsPerChat} labels per chat`)
    .transform(distinctLabels)
    .refine((labels) => labels.length <= LIMITS.labelsPerChat, {
      message: `at most ${LIMITS.labelsPerChat} labels per chat (repeats counted once)`,
    }),
});

/** A canned reply id the server made (24 hex characters). */
export const CannedReplyParams = z.object({
  id: z.string().regex(/^[0-9a-f]{24}$/, 'must be a canned reply id'),
});

const SHORTCUT_LENGTH_RULE = `must be 1 to ${LIMITS.cannedShortcutChars} characters`;
const TITLE_LENGTH_RULE = `must be 1 to ${LIMITS.cannedTitleChars} characters after trimming`;

/** POST /api/canned-replies and PUT /api/canned-replies/:id: the whole reply. */
export const CannedReplyBody = z.object({
  shortcut: z
    .string()
    .min(1, SHORTCUT_LENGTH_RULE)
    .max(LIMITS.cannedShortcutChars, SHORTCUT_LENGTH_RULE)
    .refine(isShortcut, SHORTCUT_RULE)
    // Masking would make it no shortcut: a card number cannot be one.
    .refine((v) => redactClientText(v).masked === 0, 'must not be a card number')
    .meta({ description: 'What an agent types after `/` in the composer.', example: 'refund' }),
  title: oneLine(
    z.string().trim().min(1, TITLE_LENGTH_RULE).max(LIMITS.cannedTitleChars, TITLE_LENGTH_RULE),
  ).transform(masked),
  content: text(LIMITS.contentChars)
    .refine((v) => v.trim().length > 0, 'must not be empty')
    .transform(masked)
    .meta({
      description:
        'The message text, as long as a message may be; `{{user.name}}` and `{{agent.name}}` are filled in by the console.',
    }),
  scope: z.enum(CANNED_SCOPES).default('personal').meta({
    description: "personal (the caller's own; the default) or team (superadmins only).",
  }),
});

/** The REST bodies of the routes that name who asks in their query: the body may too. */
export const AvailabilityRestBody = AvailabilityBody.extend(AskerInBody);
export const MaxChatsRestBody = MaxChatsBody.extend(AskerInBody);
export const LabelsRestBody = LabelsBody.extend(AskerInBody);
export const CannedReplyRestBody = CannedReplyBody.extend(AskerInBody);
/** PUT /api/canned-replies/:id: without a scope, the reply keeps its own. */
export const CannedReplyChangeRestBody = CannedReplyRestBody.extend({
  scope: z.enum(CANNED_SCOPES).optional().meta({
    description:
      "personal (the caller's own) or team (superadmins only); left out, the reply keeps the scope it has.",
  }),
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
  .refine(noteIsText, noteIsTextError)
  .transform(withMaskedContent);

/** First issue of a failed parse, as one sentence naming the field. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const field = issue.path.map(String).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** An ISO-8601 time with its zone (`2026-12-01T00:00:00Z`, `…+05:00`), read as that instant. */
// zod's ISO check knows each month's length: 2026-02-31 is refused, not rolled into March.
const isoWithZone = z.iso.datetime({ offset: true });
const instant = z
  .string()
  .max(LIMITS.instantChars)
  .refine((v) => isoWithZone.safeParse(v).success, {
    message: 'must be an ISO-8601 time with a zone, e.g. 2026-12-01T00:00:00Z',
  })
  .transform((v) => new Date(v).toISOString());

/** GET /api/search: `q` is text, never a query language (search/rules.ts). */
export const SearchQuery = AdminsQuery.extend({
  q: text(LIMITS.searchQueryChars).trim().min(1),
  status: z.enum(CHAT_STATUSES).optional(),
  label: Label.optional().meta({
    description: 'Only chats carrying this label (case does not count).',
  }),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.searchMaxLimit).optional(),
  cursor: z.string().max(LIMITS.searchCursorChars).optional(),
});

export const AuditQuery = AdminsQuery.extend({
  chatId: id.optional(),
  actorId: id.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: instant.optional().meta({ description: 'Entries at or after this time.' }),
  to: instant.optional().meta({ description: 'Entries before this time.' }),
  cursor: z
    .string()
    .max(LIMITS.auditCursorChars)
    .optional()
    .meta({ description: "The previous page's `nextCursor`." }),
  limit: wholeNumber(1, LIMITS.logPageMax).optional(),
});

export const DeliveriesQuery = AdminsQuery.extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: wholeNumber(1, LIMITS.logPageMax).optional(),
});
export const DeliveryIdParams = z.object({ id: id });

/**
 * The reports' common query (docs/protocol.md, Reports). `adminId` chooses whose chats are counted
 * (an admin may name only themselves). Who asks is the token's bearer; with AUTH_MODE=none,
 * `viewerId` (or, without it, `adminId`) and `isSuperAdmin` name them, as on other routes.
 */
export const ReportQuery = z.object({
  from: instant.optional().meta({
    description: 'Chats created at or after this time (default: `to` less 30 days).',
  }),
  to: instant.optional().meta({ description: 'Chats created before this time (default: now).' }),
  adminId: id.optional().meta({
    description:
      "Only the chats counted for this admin (assigned to them when closed, or now). Superadmins: anyone's; an admin: their own (default), another's is `403`.",
  }),
  viewerId: id.optional().meta({
    description:
      "With AUTH_MODE=none: who asks (default: `adminId`). With jwt: must be the token's.",
  }),
  isSuperAdmin: flag.optional(),
  format: z.enum(REPORT_FORMATS).optional().meta({
    description: '`csv`: the same as `text/csv`, a header row of the field names, then the rows.',
  }),
});

export const ReportSeriesQuery = ReportQuery.extend({
  metric: z.enum(REPORT_METRICS),
  interval: z.enum(REPORT_INTERVALS).optional().meta({ description: 'Default `day`.' }),
  timezone: z
    .string()
    .max(LIMITS.timeZoneChars)
    .refine(isKnownZone, 'must be an IANA time zone, e.g. Asia/Tashkent')
    .optional()
    .meta({ description: 'The IANA zone whose days and hours the buckets are (default UTC).' }),
});
