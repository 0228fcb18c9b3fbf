/**
 * The wire shapes of the contract (docs/protocol.md, "Data shapes"), field names as v2
 * sent them (including `_id`), their enums built from vocabulary.ts (re-exported here with
 * LIMITS). Declared once with zod: the TypeScript types are inferred
 * from these schemas, and the same schemas describe replies and events in the OpenAPI and
 * AsyncAPI documents. The server builds these objects itself (store/rows.ts), so they are
 * never parsed on the hot path.
 */
import { z } from 'zod';
import {
  ATTACHMENT_TYPES,
  AUDIT_ACTIONS,
  AUDIT_ACTOR_ROLES,
  AUTH_MODES,
  AVAILABILITIES,
  CANNED_SCOPES,
  CHAT_STATUSES,
  DELIVERY_STATUSES,
  LIMITS,
  MESSAGE_TYPES,
  REDACTION_KINDS,
  SENDER_TYPES,
  WEBHOOK_EVENTS,
} from './vocabulary.js';

export type { ChatStatus, MessageType, SenderType } from './vocabulary.js';
export { LIMITS } from './vocabulary.js';

const isoTime = (description: string) => z.string().meta({ format: 'date-time', description });
const objectId = (description: string) =>
  z.string().meta({ description, example: '674450ae0000000000000001' });

export const ChatStatusSchema = z.enum(CHAT_STATUSES);
export const SenderTypeSchema = z.enum(SENDER_TYPES);
export const MessageTypeSchema = z.enum(MESSAGE_TYPES);

const AT = '2026-11-25T10:42:06.006Z';

/** Shown in the API documents. */
export const EXAMPLE_CHAT = {
  _id: '674450ae0000000000000001',
  userId: 'user-123',
  userName: 'John',
  status: 'active',
  assignedAdminId: 'admin-456',
  assignedAdminName: 'Ali',
  isLocked: false,
  lockedByAdminId: null,
  lockedByAdminName: null,
  lastMessage: 'Hello, my payment is stuck',
  lastMessageAt: AT,
  unreadCount: 1,
  userOnline: true,
  createdAt: AT,
  updatedAt: AT,
} as const;

export const EXAMPLE_MESSAGE = {
  _id: '674450ae0000000000000002',
  chatId: EXAMPLE_CHAT._id,
  seq: 1,
  senderId: 'user-123',
  senderType: 'user',
  senderName: 'John',
  content: 'Hello, my payment is stuck',
  messageType: 'text',
  fileUrl: null,
  isRead: false,
  readAt: null,
  clientMessageId: 'c-1',
  createdAt: AT,
  updatedAt: AT,
} as const;

export const RatingSchema = z
  .object({
    score: z.number().int().min(LIMITS.ratingMin).max(LIMITS.ratingMax).meta({
      description: 'Stars the user gave: 1 (bad) to 5 (excellent).',
    }),
    comment: z.string().nullable().meta({
      description: 'What the user wrote with it (card numbers masked), or null.',
    }),
    at: isoTime('When the user rated the chat.'),
  })
  .meta({ title: 'Rating', example: { score: 5, comment: 'Quick and kind', at: AT } });

export const ChatSchema = z
  .object({
    _id: objectId('The chat id (24 hex characters for chats made by the server).'),
    userId: z.string().meta({ description: 'The user the chat belongs to.' }),
    userName: z.string(),
    status: ChatStatusSchema.meta({
      description: 'waiting: in the queue; active: an admin holds it; closed: takes no messages.',
    }),
    assignedAdminId: z.string().nullable(),
    assignedAdminName: z.string().nullable(),
    isLocked: z.boolean().meta({
      description:
        'Locked by lockedByAdminId (POST /api/chats/lock): the lock follows a transfer and ends on unlock; a waiting chat locked by another admin is hidden from their queue.',
    }),
    lockedByAdminId: z.string().nullable(),
    lockedByAdminName: z.string().nullable(),
    lastMessage: z.string().meta({
      description:
        "Preview of the last message: its first 100 characters, '[image]' / '[file]' for an empty attachment message, '' before the first message.",
    }),
    lastMessageAt: isoTime('Time of the last message; createdAt until the first one.'),
    unreadCount: z.number().int().meta({ description: 'User messages not yet read by an admin.' }),
    userOnline: z.boolean().meta({ description: 'Whether the user has a socket connected.' }),
    createdAt: isoTime('When the chat was opened.'),
    updatedAt: isoTime('When the chat last changed.'),
    ctx: z.record(z.string(), z.unknown()).optional().meta({
      description:
        "The customer's context from their token's `ctx` claim (e.g. email, kyc, recentTransactions), as stored when they last opened or joined the chat. Only in REST replies to admins (lists, and the chat an action answers); never to users, never in socket events.",
    }),
    rating: RatingSchema.optional().meta({
      description:
        "The user's rating of the closed chat (POST /api/chats/:chatId/rating); absent until rated.",
    }),
    labels: z
      .array(z.string())
      .optional()
      .meta({
        description:
          "Admins only (never in a reply to a user): the chat's labels in the order set, each spelled as first given (PUT /api/chats/:chatId/labels).",
        example: ['refund', 'KYC'],
      }),
  })
  .meta({ title: 'Chat', example: EXAMPLE_CHAT });

export const MessageAttachmentSchema = z
  .object({
    id: z.string().meta({ description: 'The attachment id (24 hex characters, random).' }),
    name: z.string().meta({ description: "The file's name as uploaded (cut, path removed)." }),
    contentType: z.enum(ATTACHMENT_TYPES).meta({
      description: 'Decided by the content, never by the name: what a download is served as.',
    }),
    size: z
      .number()
      .int()
      .meta({ description: 'Bytes stored (an image after its metadata was removed).' }),
    width: z.number().int().optional().meta({ description: 'Images only: pixels.' }),
    height: z.number().int().optional().meta({ description: 'Images only: pixels.' }),
    url: z.string().meta({
      description:
        'The download path with a signed expiry (`/api/attachments/<id>?exp=…&sig=…`), valid for hours (see docs/tunables.md), on this server. Signed afresh in every reply.',
    }),
    thumbnailUrl: z.string().optional().meta({
      description: 'Images only: the same for a thumbnail whose longest side is at most 320 px.',
    }),
  })
  .meta({ title: 'Attachment' });

export const UploadedAttachmentSchema = MessageAttachmentSchema.extend({
  sha256: z.string().meta({ description: 'SHA-256 of the bytes stored, lowercase hex.' }),
}).meta({ title: 'UploadedAttachment' });

export const MessageSchema = z
  .object({
    _id: objectId('The message id.'),
    chatId: z.string(),
    seq: z.number().int().meta({
      description:
        'Position in the chat: 1, 2, 3… without gaps, assigned when stored. Order by it; fetch gaps with ?after=.',
      example: 1,
    }),
    senderId: z.string(),
    senderType: SenderTypeSchema,
    senderName: z.string(),
    content: z.string(),
    messageType: MessageTypeSchema,
    fileUrl: z.string().nullable().meta({ description: 'An http(s) URL, or null.' }),
    isRead: z.boolean(),
    readAt: isoTime('When the other side read it.').nullable(),
    clientMessageId: z.string().nullable().meta({
      description: 'The key the sender chose to make retries safe, or null.',
    }),
    createdAt: isoTime('When the message was stored.'),
    updatedAt: isoTime('When the message last changed (read).'),
    redacted: z.array(z.enum(REDACTION_KINDS)).optional().meta({
      description:
        "What the server masked in the content (or the fileUrl) before storing it: `['pan']` when it masked a card number (first 6 and last 4 digits kept). Absent when nothing was masked.",
    }),
    attachment: MessageAttachmentSchema.optional().meta({
      description:
        'The uploaded file the message carries (then `fileUrl` is its `url`); absent on other messages.',
    }),
  })
  .meta({ title: 'Message', example: EXAMPLE_MESSAGE });

export const EXAMPLE_NOTE = {
  _id: '674450ae0000000000000003',
  chatId: EXAMPLE_CHAT._id,
  afterSeq: 1,
  senderId: 'admin-456',
  senderName: 'Ali',
  content: 'Refund already requested in the payments console; waiting for the bank.',
  createdAt: AT,
} as const;

export const NoteSchema = z
  .object({
    _id: objectId('The note id.'),
    chatId: z.string(),
    afterSeq: z.number().int().meta({
      description:
        "The chat's last message seq when the note was written (0 before the first message): show the note after that message. A note takes no seq of its own.",
      example: 1,
    }),
    senderId: z.string().meta({ description: 'The admin who wrote it.' }),
    senderName: z.string(),
    content: z.string(),
    createdAt: isoTime('When the note was stored.'),
  })
  .meta({
    title: 'Note',
    description:
      'An internal note: written by an admin, seen by admins only (never by the chat user).',
    example: EXAMPLE_NOTE,
  });

export const KnownAdminSchema = z
  .object({
    id: z.string().meta({ description: 'The admin id: what a transfer names as `toAdminId`.' }),
    name: z.string().meta({ description: "The name they last used ('' if they never gave one)." }),
    online: z.boolean().meta({ description: 'Whether they have a socket connected now.' }),
    lastSeenAt: isoTime(
      'When a server process last saw them connect or act (first time per process).',
    ),
  })
  .meta({
    title: 'KnownAdmin',
    example: { id: 'admin-456', name: 'Ali', online: true, lastSeenAt: AT },
  });

export const AgentSchema = z
  .object({
    adminId: z.string(),
    adminName: z
      .string()
      .meta({ description: "The name they last used ('' if they never gave one)." }),
    online: z
      .boolean()
      .meta({ description: 'Whether a socket joined as this admin is connected, on any node.' }),
    availability: z.enum(AVAILABILITIES).meta({
      description:
        'What the admin chose (remembered across connections); an admin who never chose is `available`, a superadmin `away`. Offline is `online: false`, whatever this says.',
    }),
    activeChats: z
      .number()
      .int()
      .meta({ description: 'Their load: the chats assigned to them that are `active` now.' }),
    maxChats: z.number().int().meta({
      description: 'How many active chats they may hold (set by a superadmin; else the default).',
    }),
  })
  .meta({
    title: 'Agent',
    example: {
      adminId: 'admin-456',
      adminName: 'Ali',
      online: true,
      availability: 'available',
      activeChats: 3,
      maxChats: 5,
    },
  });

export const CannedReplySchema = z
  .object({
    id: z.string().meta({ description: 'The canned reply id (24 hex characters).' }),
    shortcut: z.string().meta({ description: 'Typed after `/` in the composer.' }),
    title: z.string(),
    content: z.string().meta({
      description: 'May hold `{{user.name}}` and `{{agent.name}}`, filled in when inserted.',
    }),
    scope: z.enum(CANNED_SCOPES).meta({
      description: "personal: the caller's own; team: every admin's, written by superadmins.",
    }),
  })
  .meta({
    title: 'CannedReply',
    example: {
      id: '674450ae0000000000000003',
      shortcut: 'refund',
      title: 'Refund on its way',
      content: 'Hello {{user.name}}, the refund is on its way. {{agent.name}}',
      scope: 'team',
    },
  });

export const QueuePositionSchema = z
  .object({
    chatId: z.string().meta({ description: 'The waiting chat.' }),
    position: z.number().int().min(1).nullable().meta({
      description:
        '1 = the next chat to be taken (oldest waiting first); null: the chat no longer waits (taken or closed).',
    }),
    waiting: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'How many chats wait, this one included.' }),
    estimatedWaitSeconds: z.number().int().min(0).nullable().meta({
      description:
        'About how long until an agent takes it: the median wait of the chats first assigned in the last hour × position ÷ waiting (docs/protocol.md, "Queue position"); null without recent assignments or a position.',
    }),
  })
  .meta({
    title: 'QueuePosition',
    example: {
      chatId: '674450ae0000000000000001',
      position: 3,
      waiting: 7,
      estimatedWaitSeconds: 240,
    },
  });

export const DeskSchema = z
  .object({
    open: z.boolean().meta({
      description:
        'Within BUSINESS_HOURS now (always true without them). Hours tell users; chats are still taken and routed outside them.',
    }),
    nextOpenAt: z.iso.datetime().nullable().meta({
      description: 'When the desk next opens (UTC, ISO 8601), while it is closed; null while open.',
    }),
    availableAgents: z.number().int().min(0).meta({
      description: 'Admins connected on any node who chose available (whether or not at maxChats).',
    }),
  })
  .meta({
    title: 'Desk',
    example: { open: false, nextOpenAt: '2026-03-09T04:00:00.000Z', availableAgents: 0 },
  });

/**
 * `GET /widget/config.json`: what the widget is told before it sends anything. The largest
 * upload (ATTACHMENT_MAX_BYTES), so a larger file is refused before it is sent.
 */
export const WidgetServerConfigSchema = z.object({
  attachmentMaxBytes: z.number().int().positive(),
});

/** `GET /console/config.json`: the widget's, with how the console signs admins in. */
export const ConsoleConfigSchema = WidgetServerConfigSchema.extend({
  authMode: z.enum(AUTH_MODES),
  /** Origins that may hand a token to the console by postMessage (when embedded). */
  parentOrigins: z.array(z.string()),
});

export type WidgetServerConfig = z.infer<typeof WidgetServerConfigSchema>;
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;
export type Chat = z.infer<typeof ChatSchema>;
export type Rating = z.infer<typeof RatingSchema>;
export type CannedReply = z.infer<typeof CannedReplySchema>;
export type Agent = z.infer<typeof AgentSchema>;
export type KnownAdmin = z.infer<typeof KnownAdminSchema>;
export type Message = z.infer<typeof MessageSchema>;
export type Note = z.infer<typeof NoteSchema>;
export type MessageAttachment = z.infer<typeof MessageAttachmentSchema>;
export type UploadedAttachment = z.infer<typeof UploadedAttachmentSchema>;

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: isoTime('When the change was committed (with it, in one transaction).'),
    actor: z.object({
      id: z.string().meta({ description: "The actor's id ('' for v2's anonymous caller)." }),
      role: z.enum(AUDIT_ACTOR_ROLES),
      name: z.string(),
    }),
    action: z.enum(AUDIT_ACTIONS),
    chatId: z
      .string()
      .nullable()
      .meta({ description: 'The chat changed; null for desk-wide actions.' }),
    details: z
      // null written on the string branch: OpenAPI 3.0 reads `nullable` only beside a
      // `type`, and a union with z.null() becomes an `anyOf` marked nullable, without one.
      .record(z.string(), z.union([z.string().nullable(), z.number(), z.boolean()]))
      .meta({ description: 'What changed, per action (see the data protection docs).' }),
    chain: z.string().meta({ description: '`chat:<chatId>`, or `desk` for everything else.' }),
    chainSeq: z.number().int().meta({ description: '1, 2, 3… within the chain.' }),
    hash: z
      .string()
      .meta({ description: 'SHA-256 (hex) of prevHash and the entry, people sealed.' }),
    prevHash: z
      .string()
      .meta({ description: "The hash of the chain's previous entry (64 zeros for the first)." }),
  })
  .meta({ title: 'AuditEntry' });
export type AuditEntryWire = z.infer<typeof AuditEntrySchema>;

export const WebhookDeliverySchema = z
  .object({
    id: z
      .string()
      .meta({ description: 'The `webhook-id` the receiver sees, the same on every attempt.' }),
    url: z.string(),
    chatId: z.string().nullable(),
    type: z.enum(WEBHOOK_EVENTS),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: isoTime('When it is tried next (pending).'),
    lastError: z
      .string()
      .nullable()
      .meta({ description: 'Why the last attempt failed (`HTTP 500`, a timeout).' }),
    createdAt: isoTime('When the change that made it committed.'),
    deliveredAt: isoTime('When a receiver answered 2xx.').nullable(),
  })
  .meta({ title: 'WebhookDelivery' });
