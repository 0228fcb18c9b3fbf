/**
 * A chat's transcript (GET /api/chats/:chatId/transcript?format=json): every message in seq
 * order, the admins' copy with the internal notes, and the hash the chat's audit chain
 * ended with when the copy was made, so that a later copy (or the log) can be compared.
 * The HTML form carries the same, as a page to keep or print.
 */
import { z } from 'zod';
import { AdminsQuery, UserIdParams } from './inputs.js';
import { ChatStatusSchema, MessageTypeSchema, SenderTypeSchema } from './shapes.js';
import { ATTACHMENT_TYPES, REDACTION_KINDS } from './vocabulary.js';

/** The forms a transcript comes in (GET /api/chats/:chatId/transcript). */
export const TRANSCRIPT_FORMATS = ['html', 'json'] as const;

/** With AUTH_MODE=none the query names who asks (`userId`: a user's copy, without notes). */
export const TranscriptQuery = AdminsQuery.extend({
  userId: UserIdParams.shape.userId.optional(),
  format: z
    .enum(TRANSCRIPT_FORMATS, {
      // Names what was asked, so a typo is seen at once (`format: unknown format "pdf"…`).
      error: (issue) =>
        `unknown format ${typeof issue.input === 'string' ? JSON.stringify(issue.input.slice(0, 40)) : 'given'}: use ${TRANSCRIPT_FORMATS.join(' or ')}`,
    })
    .optional()
    .meta({ description: '`json` (the default) or `html`: a page to keep or print.' }),
});

const time = (description: string) => z.string().meta({ format: 'date-time', description });

export const TranscriptAttachmentSchema = z
  .object({
    id: z.string(),
    name: z.string().meta({ description: "The file's name as uploaded." }),
    contentType: z.enum(ATTACHMENT_TYPES),
    size: z.number().int(),
    path: z.string().meta({
      description:
        'The download path (`/api/attachments/<id>`): for who may view the chat, with their `Authorization` header. Not a signed link: a transcript outlives any link.',
    }),
  })
  .meta({ title: 'TranscriptAttachment' });

export const TranscriptMessageSchema = z
  .object({
    seq: z.number().int(),
    at: time('When the message was stored.'),
    sender: z.object({ type: SenderTypeSchema, id: z.string(), name: z.string() }),
    messageType: MessageTypeSchema,
    content: z.string().meta({ description: 'As stored: card numbers masked when written.' }),
    fileUrl: z.string().optional().meta({
      description: "A v2 message's own link (messages with an attachment carry `attachment`).",
    }),
    attachment: TranscriptAttachmentSchema.optional(),
    redacted: z.array(z.enum(REDACTION_KINDS)).optional(),
  })
  .meta({ title: 'TranscriptMessage' });

export const TranscriptNoteSchema = z
  .object({
    id: z.string(),
    afterSeq: z.number().int().meta({ description: 'Shown after the message with this seq.' }),
    at: time('When the note was stored.'),
    sender: z.object({ id: z.string(), name: z.string() }),
    content: z.string(),
  })
  .meta({ title: 'TranscriptNote' });

export const TranscriptSchema = z
  .object({
    chat: z.object({
      _id: z.string(),
      userId: z.string(),
      userName: z.string(),
      status: ChatStatusSchema,
      createdAt: time('When the chat was opened.'),
    }),
    generatedAt: time('When this copy was made.'),
    auditHash: z.string().nullable().meta({
      description:
        "The hash of the last entry of the chat's audit chain when the copy was made (as `GET /api/audit?chatId=` lists it first); null: the chat has no entries (imported from v2).",
    }),
    auditChainSeq: z.number().int().nullable().meta({ description: "That entry's `chainSeq`." }),
    auditAt: time("That entry's time.").nullable(),
    withNotes: z.boolean().meta({
      description: 'Whether the internal notes are in it: admins, never a user.',
    }),
    messages: z.array(TranscriptMessageSchema).meta({ description: 'Every message, by seq.' }),
    notes: z.array(TranscriptNoteSchema).optional().meta({
      description: 'Admins only: every internal note, by afterSeq then time.',
    }),
  })
  .meta({ title: 'Transcript' });

export const TranscriptReply = z.object({ transcript: TranscriptSchema });

export type Transcript = z.infer<typeof TranscriptSchema>;
export type TranscriptMessage = z.infer<typeof TranscriptMessageSchema>;
export type TranscriptNote = z.infer<typeof TranscriptNoteSchema>;
export type TranscriptAttachment = z.infer<typeof TranscriptAttachmentSchema>;
