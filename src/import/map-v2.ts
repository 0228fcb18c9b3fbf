/**
 * v2's documents → our rows. v2's field names are ours; what differs: `_id` → `id`, booleans
 * → 0/1, dates → ISO-8601 UTC text, ObjectIds → 24 hex characters. The chat's derived fields
 * (lastMessage, lastMessageAt, unreadCount, lastSeq) are recomputed from the imported
 * messages afterwards, and every imported user is offline.
 */
import type { Insertable } from 'kysely';
import type { MaskedText } from '../redaction/card-numbers.js';
import { isWebUrl } from '../schemas/text-rules.js';
import {
  CHAT_STATUSES,
  MESSAGE_TYPES,
  redactedKinds,
  SENDER_TYPES,
} from '../schemas/vocabulary.js';
import type { ChatsTable, MessagesTable } from '../store/schema.js';
import { assignmentOf } from './assignment.js';
import {
  booleanField,
  contentField,
  type Document,
  dateField,
  enumField,
  idField,
  maskedField,
  nameField,
  optionalDateField,
  optionalNameField,
  optionalPersonIdField,
  optionalStringField,
  personIdField,
} from './document-fields.js';
import { objectIdTime } from './ejson.js';
import { type FieldChange, FieldProblem } from './field-problem.js';
import type { Position } from './report.js';

export type ChatRow = Insertable<ChatsTable> & { id: string; userId: string; createdAt: string };

/**
 * A message before it has a seq (given once all of its chat's messages are read), with where
 * it is in the export, to report it if its _id turns out to appear twice.
 */
export type StagedMessage = Omit<Insertable<MessagesTable>, 'seq' | 'clientMessageId'> &
  Position & { id: string };

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** Mongoose's timestamps are always there; a document inserted without them takes its ObjectId's time. */
function createdAtOf(doc: Document, id: string): string {
  if (doc.createdAt === undefined || doc.createdAt === null) {
    return dateField(doc, 'createdAt', OBJECT_ID.test(id) ? objectIdTime(id) : undefined);
  }
  return dateField(doc, 'createdAt');
}

/** `changes` gets what was taken changed (a name cut to its limit). */
export function mapChat(doc: Document, id: string, changes: FieldChange[]): ChatRow {
  const createdAt = createdAtOf(doc, id);
  const userId = personIdField(doc, 'userId', changes);
  const userName = nameField(doc, 'userName', changes, '');
  const assignment = assignmentOf(
    {
      status: enumField(doc, 'status', CHAT_STATUSES, 'waiting', 'invalid-status'),
      assignedAdminId: optionalPersonIdField(doc, 'assignedAdminId', changes),
      assignedAdminName: optionalNameField(doc, 'assignedAdminName', changes),
      isLocked: booleanField(doc, 'isLocked', false) ? 1 : 0,
      lockedByAdminId: optionalPersonIdField(doc, 'lockedByAdminId', changes),
      lockedByAdminName: optionalNameField(doc, 'lockedByAdminName', changes),
    },
    changes,
  );
  return {
    id,
    userId,
    userName,
    ...assignment,
    // As the server has them before a first message; recomputed from the messages.
    lastMessage: '',
    lastMessageAt: createdAt,
    unreadCount: 0,
    userOnline: 0,
    lastSeq: 0,
    adminReadSeq: 0,
    userReadSeq: 0,
    createdAt,
    createdMs: Date.parse(createdAt),
    updatedAt: dateField(doc, 'updatedAt', createdAt),
  };
}

/**
 * v2 wrote '' for "no file"; anything else must be an http(s) URL, as a sent message's must
 * be, and has its card numbers masked as a sent message's has.
 */
function fileUrlOf(doc: Document, changes: FieldChange[]): MaskedText {
  const url = optionalStringField(doc, 'fileUrl');
  if (url === null || url === '') return { text: '', masked: 0 };
  if (!isWebUrl(url))
    throw new FieldProblem('invalid-file-url', 'fileUrl', 'is not an http(s) URL');
  return maskedField('fileUrl', url, changes);
}

export function mapMessage(
  doc: Document,
  id: string,
  position: Position,
  changes: FieldChange[],
): StagedMessage {
  const createdAt = createdAtOf(doc, id);
  const content = contentField(doc, changes);
  const fileUrl = fileUrlOf(doc, changes);
  return {
    id,
    chatId: idField(doc, 'chatId', changes),
    senderId: personIdField(doc, 'senderId', changes),
    senderType: enumField(doc, 'senderType', SENDER_TYPES, undefined, 'invalid-sender-type'),
    senderName: nameField(doc, 'senderName', changes, ''),
    content: content.text,
    messageType: enumField(doc, 'messageType', MESSAGE_TYPES, 'text', 'invalid-message-type'),
    fileUrl: fileUrl.text === '' ? null : fileUrl.text,
    isRead: booleanField(doc, 'isRead', false) ? 1 : 0,
    readAt: optionalDateField(doc, 'readAt'),
    createdAt,
    updatedAt: dateField(doc, 'updatedAt', createdAt),
    redacted: redactedKinds(content.masked + fileUrl.masked)?.join(',') ?? null,
    line: position.line,
    document: position.document,
  };
}
