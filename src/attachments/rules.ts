/**
 * Who may do what with an attachment, as plain functions over the record, the chat and
 * the caller. Uploading to a chat and sending an attachment are writing to it (the chats'
 * own rule); downloading is viewing the chat the message is in. An upload no message used
 * yet is its uploader's alone, wherever it was uploaded.
 */
import type { Actor } from '../auth/actor.js';
import { mayView } from '../chats/permissions.js';
import { AppError, Forbidden } from '../errors.js';
import type { Chat } from '../schemas/shapes.js';
import type { AttachmentRecord } from '../store/attachment-records.js';
import { BlobStoreUnavailable } from './ports.js';

/**
 * The uploader of an unused attachment; who may view the chat of a used one. Always a
 * person: v2's anonymous caller (AUTH_MODE=none, anyone claiming anything) has a
 * superadmin's view of chats, but attachments are newer than v2 and their signed links
 * are the way in without a named identity, so the bare id is never enough.
 */
export function mayDownload(
  record: AttachmentRecord,
  chat: Chat | undefined,
  actor: Actor,
): boolean {
  if (actor.kind !== 'person') return false;
  if (record.messageId === null) return actor.id === record.uploaderId;
  return chat !== undefined && mayView(chat, actor);
}

export function assertMayDownload(
  record: AttachmentRecord,
  chat: Chat | undefined,
  actor: Actor,
): void {
  if (!mayDownload(record, chat, actor))
    throw new Forbidden('You may not download this attachment');
}

/** Whether the quota leaves room for the new bytes beside those held. */
export const fitsQuota = (heldBytes: number, addedBytes: number, quotaBytes: number): boolean =>
  heldBytes + addedBytes <= quotaBytes;

/** What the quota leaves room for: refused when the new bytes would pass it. */
export function assertWithinQuota(heldBytes: number, addedBytes: number, quotaBytes: number): void {
  if (fitsQuota(heldBytes, addedBytes, quotaBytes)) return;
  throw quotaExceeded(heldBytes, addedBytes, quotaBytes);
}

export const quotaExceeded = (heldBytes: number, addedBytes: number, quotaBytes: number) =>
  new AppError(
    'ATTACHMENT_QUOTA',
    `Your attachments hold ${heldBytes} bytes; this upload needs ${addedBytes} more and the limit is ${quotaBytes}`,
  );

/**
 * What a store call that failed answers: the attachment store being unavailable (503) when
 * it could not answer, the error itself otherwise (a refusal of the use case's own).
 */
export const asStoreAnswer = (err: unknown): unknown =>
  err instanceof BlobStoreUnavailable
    ? new AppError(
        'STORE_UNAVAILABLE',
        'The attachment store is unavailable; try again shortly',
        {},
        err,
      )
    : err;

/** The message type an attachment gives its message. */
export const messageTypeFor = (contentType: string): 'image' | 'file' =>
  contentType.startsWith('image/') ? 'image' : 'file';
