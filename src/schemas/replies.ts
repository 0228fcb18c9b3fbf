/**
 * What a successful REST reply or socket ack carries besides `success: true`, and the two
 * envelopes, as zod schemas: they document the replies (OpenAPI, AsyncAPI) and type them
 * for clients. The use cases' return types are checked against them at compile time
 * (realtime/handlers.ts, http/responses.ts).
 */
import { z } from 'zod';
import type { FailureEnvelope } from '../envelopes.js';
import { ERROR_CODES } from '../errors.js';
import {
  AgentSchema,
  AuditEntrySchema,
  CannedReplySchema,
  ChatSchema,
  DeskSchema,
  KnownAdminSchema,
  MessageAttachmentSchema,
  MessageSchema,
  NoteSchema,
  QueuePositionSchema,
  RatingSchema,
  UploadedAttachmentSchema,
  WebhookDeliverySchema,
} from './shapes.js';

export const EmptyReply = z.object({});

/** A snippet of the matched text and where the matches are in it: render as text, mark the ranges. */
export const HighlightSchema = z
  .object({
    text: z.string().meta({
      description:
        'Up to ~180 characters of the message text (or the user name) around the first match.',
    }),
    ranges: z.array(z.tuple([z.number().int(), z.number().int()])).meta({
      description:
        'Each match as [start, end): UTF-16 code-unit offsets into `text`, ascending. `text` is plain text, never markup.',
    }),
  })
  .meta({ id: 'Highlight' });

export const SearchResultSchema = z
  .object({
    chat: ChatSchema,
    message: MessageSchema.optional().meta({
      description: 'The matching message; absent when only the chat’s user (id or name) matched.',
    }),
    highlight: HighlightSchema.optional(),
  })
  .meta({ id: 'SearchResult' });

export const SearchReply = z.object({
  results: z.array(SearchResultSchema),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Give as `cursor` for the next page; null on the last page.' }),
});
export const ChatReply = z.object({ chat: ChatSchema });
export const RatingReply = z.object({
  rating: RatingSchema,
  chat: ChatSchema.meta({ description: 'The chat, now carrying the rating.' }),
});
export const OpenChatReply = z.object({
  chat: ChatSchema,
  isNew: z.boolean().meta({ description: 'true when this call created the chat.' }),
});
export const ChatListReply = z.object({ chats: z.array(ChatSchema) });
export const SentMessageReply = z.object({
  message: MessageSchema,
  chat: ChatSchema.meta({ description: 'The chat after the message was stored.' }),
});
export const SentNoteReply = z.object({
  note: NoteSchema.meta({ description: 'The internal note as stored (admins only).' }),
});
/** A send answers the message and its chat, or (internal: true) the note. */
export const SendReply = z.union([SentMessageReply, SentNoteReply]);
export const PresenceReply = z.object({
  chat: ChatSchema.nullable().meta({ description: "The user's open chat, or null if none." }),
});
export const AdminListReply = z.object({
  admins: z.array(KnownAdminSchema).meta({
    description: 'Connected admins first, then the others; each most recently seen first.',
  }),
});
export const AgentListReply = z.object({
  agents: z.array(AgentSchema).meta({
    description: 'Every admin the server knows (as GET /api/admins): connected ones first.',
  }),
});
export const AgentReply = z.object({ agent: AgentSchema });
export const CannedReplyListReply = z.object({
  cannedReplies: z.array(CannedReplySchema).meta({
    description: "The team's replies and the caller's own, by shortcut.",
  }),
});
export const CannedReplyReply = z.object({ cannedReply: CannedReplySchema });
export const LabelsReply = z.object({
  chat: ChatSchema.meta({ description: 'The chat with its new labels.' }),
});
export const DeliveryListReply = z.object({
  deliveries: z.array(WebhookDeliverySchema).meta({ description: 'Newest first.' }),
});
export const DeliveryReply = z.object({ delivery: WebhookDeliverySchema });
export const AuditListReply = z.object({
  entries: z.array(AuditEntrySchema).meta({ description: 'Newest first.' }),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'For the next (older) page; null at the end.' }),
});
export const ExportedChatSchema = z
  .object({
    chat: ChatSchema.meta({
      description:
        "The chat with its customer's context (`ctx`) and rating; `labels` only in a superadmin's export.",
    }),
    messages: z.array(MessageSchema).meta({
      description:
        'Every message in seq order; an image or file message carries its `attachment` (metadata and a signed download path).',
    }),
    notes: z.array(NoteSchema).optional().meta({
      description: "The chat's internal notes in history order: in a superadmin's export only.",
    }),
  })
  .meta({ id: 'ExportedChat' });
export const UserExportReply = z.object({
  userId: z.string(),
  exportedAt: z.string().meta({ description: 'When the export was made (ISO 8601).' }),
  withNotes: z.boolean().meta({ description: "True in a superadmin's export (notes included)." }),
  chats: z.array(ExportedChatSchema).meta({ description: "The user's chats, by id." }),
  uploads: z.array(MessageAttachmentSchema).meta({
    description:
      'Files the user uploaded that no message carries (in no chat yet, or in their chat but not sent; not those of an admin with the same id in other chats), oldest first, with signed download paths; a sent one is in its message.',
  }),
});
export const UserErasureReply = z.object({
  userId: z.string(),
  alreadyErased: z.boolean().meta({
    description: 'True when an earlier erasure left nothing to erase (the counts are then 0).',
  }),
  chats: z.number().int().meta({ description: "The user's chats: kept, pseudonymised." }),
  messages: z
    .number()
    .int()
    .meta({ description: 'Messages whose text and sender name were overwritten (seq kept).' }),
  notes: z.number().int().meta({ description: 'Internal notes whose text was overwritten.' }),
  attachments: z.number().int().meta({ description: 'Attachments deleted (bytes and record).' }),
  auditEntries: z.number().int().meta({
    description: 'Audit entries whose mention of the user was replaced by its pseudonym.',
  }),
});
export const QueueReply = QueuePositionSchema.omit({ chatId: true });
export const DeskReply = DeskSchema;
export const JoinChatReply = z.object({ chatId: z.string() });
export const UploadReply = z.object({ attachment: UploadedAttachmentSchema });

const PagePagination = z
  .object({
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int().meta({ description: 'Messages in the chat.' }),
    pages: z.number().int(),
  })
  .meta({ description: 'v2 pages (?page=): page 1 is the newest `limit` messages.' });
const CursorPagination = z
  .object({
    limit: z.number().int(),
    hasMore: z.boolean().meta({ description: 'More messages exist in the direction asked.' }),
  })
  .meta({ description: 'Cursor pages (?after= / ?before=).' });
export const HistoryReply = z.object({
  messages: z.array(MessageSchema).meta({ description: 'Oldest first.' }),
  pagination: z.union([PagePagination, CursorPagination]),
  notes: z.array(NoteSchema).optional().meta({
    description:
      "Only with ?includeNotes=1 (admins): the internal notes placed among this page's messages (afterSeq from the page's first seq to its last; the oldest page also those before the first message, the newest those after its last; ?after=<seq> from that seq on), ordered by afterSeq, then time. Absent otherwise.",
  }),
});

/** What a route or an event answers besides `success: true`: one shape, or one of several. */
export type ReplySchema = z.ZodObject | z.ZodUnion<readonly [z.ZodObject, ...z.ZodObject[]]>;

const SUCCESS = { success: z.literal(true) };

/** `{ success: true, ...reply }` (for a union, each of its shapes so). */
export function successEnvelope(reply: ReplySchema): z.ZodType {
  if (reply instanceof z.ZodUnion) {
    const [first, ...rest] = reply.options;
    return z.union([first.extend(SUCCESS), ...rest.map((o) => o.extend(SUCCESS))]);
  }
  return reply.extend(SUCCESS);
}

/** `{ success: false, error, code, ...extra }`; extra fields (retryAfterMs, assignedTo…) pass through. */
export const FailureEnvelopeSchema = z
  .looseObject({
    success: z.literal(false),
    error: z.string().meta({ description: 'A sentence for people; may name the field.' }),
    code: z
      .enum(ERROR_CODES)
      .meta({ description: 'Branch on this; every code with its meaning: /docs/errors.json.' }),
    // Declared so that clients get them typed (docs/protocol.md, "Envelopes and errors").
    retryAfterMs: z
      .number()
      .optional()
      .meta({ description: 'On `RATE_LIMITED`: milliseconds to wait before asking again.' }),
    assignedTo: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'On `CHAT_TAKEN` and `CHAT_CHANGED`: the name of who holds the chat.' }),
    assignedAdminId: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'On `CHAT_TAKEN` and `CHAT_CHANGED`: the id of who holds the chat.' }),
  })
  .meta({ title: 'Failure' });

export const ErrorEventSchema = FailureEnvelopeSchema.extend({
  event: z.string().meta({ description: 'The client event that failed (`auth` for an expiry).' }),
});

// The schema and the envelope type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const envelopeAgrees: Same<z.output<typeof FailureEnvelopeSchema>, FailureEnvelope> = true;
void envelopeAgrees;

/** A time of docs/reports.md over the period's chats, in seconds; null: no chat had it. */
export const ReportSpreadSchema = z
  .object({
    median: z
      .number()
      .nullable()
      .meta({ description: 'Of an even count, the mean of the two middle values.' }),
    p90: z.number().nullable().meta({ description: 'Nearest rank: the ⌈0.9·n⌉-th smallest.' }),
    mean: z.number().nullable(),
  })
  .meta({ id: 'ReportSpread' });

/** The range a report counted: chats created in [from, to). */
const ReportRange = {
  from: z.string().meta({ description: 'The start applied (ISO instant).' }),
  to: z.string().meta({ description: 'The end applied (ISO instant, excluded).' }),
};

export const ReportSummaryReply = z.object({
  ...ReportRange,
  chats: z.object({
    opened: z.number().int(),
    closed: z.number().int(),
    missed: z.number().int().meta({ description: 'Closed while never assigned.' }),
  }),
  waiting: ReportSpreadSchema,
  firstResponse: ReportSpreadSchema,
  resolution: ReportSpreadSchema,
  messages: z.object({ user: z.number().int(), admin: z.number().int() }),
  csat: z.object({
    responses: z.number().int(),
    average: z.number().nullable(),
    positiveShare: z.number().nullable().meta({ description: 'Share (0–1) of 4 and 5.' }),
    byScore: z.array(z.number().int()).length(5).meta({
      description:
        'How many chats were rated 1, 2, 3, 4 and 5, in that order (they sum to responses).',
    }),
  }),
});

export const ReportPointSchema = z
  .object({
    at: z.string().meta({ description: "The bucket's start, an ISO instant." }),
    value: z.number().meta({
      description:
        'A count, the median in seconds (firstResponse) or the average rating (csat); 0 when empty.',
    }),
  })
  .meta({ id: 'ReportPoint' });

export const ReportSeriesReply = z.object({
  ...ReportRange,
  points: z.array(ReportPointSchema).meta({ description: 'Every bucket, oldest first.' }),
});

export const ReportAgentSchema = z
  .object({
    adminId: z.string(),
    adminName: z.string(),
    chats: z.number().int(),
    firstResponseMedian: z.number().nullable(),
    resolutionMedian: z.number().nullable(),
    csatAverage: z.number().nullable(),
  })
  .meta({ id: 'ReportAgent' });

export const ReportAgentsReply = z.object({
  ...ReportRange,
  agents: z
    .array(ReportAgentSchema)
    .meta({ description: 'By chats, most first; ties by adminId.' }),
});
