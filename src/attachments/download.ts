/**
 * Downloading: with a signed link (checked before anything is looked up, so a bad link
 * tells nothing about the id), or as a caller who may download it (rules.ts), read from
 * the database: a cached chat row may not yet know that the chat changed hands on
 * another node. Answers what the transport needs to stream it.
 */
import type { Readable } from 'node:stream';
import type { Actor } from '../auth/actor.js';
import { AppError, NotFound } from '../errors.js';
import type { AttachmentRecord } from '../store/attachment-records.js';
import { assertMayDownload } from './rules.js';
import type { AttachmentDeps } from './services.js';
import { attachmentPath, thumbnailPath } from './wire.js';

export interface DownloadInput {
  id: string;
  variant: 'file' | 'thumbnail';
  /** The signed link's query, when the request carries one. */
  link?: { exp: string; sig: string } | undefined;
}

export interface Download {
  record: AttachmentRecord;
  contentType: string;
  size: number | undefined;
  body: Readable;
}

const notFound = (id: string) => new NotFound(`Attachment ${id} not found`, 'ATTACHMENT_NOT_FOUND');

export async function openAttachment(
  deps: AttachmentDeps,
  actor: Actor,
  input: DownloadInput,
): Promise<Download> {
  const path = input.variant === 'file' ? attachmentPath(input.id) : thumbnailPath(input.id);
  if (input.link && !deps.attachments.links.verify(path, input.link.exp, input.link.sig)) {
    throw new AppError('ATTACHMENT_LINK');
  }
  const record = await deps.store.attachments.get(input.id);
  if (!record) throw notFound(input.id);
  if (!input.link) {
    let chat: Awaited<ReturnType<typeof deps.store.getChat>>;
    if (record.messageId !== null && record.chatId !== null) {
      deps.store.forgetChat(record.chatId);
      chat = await deps.store.getChat(record.chatId);
    }
    assertMayDownload(record, chat, actor);
  }
  const key = input.variant === 'file' ? record.blobKey : record.thumbKey;
  const contentType = input.variant === 'file' ? record.contentType : record.thumbContentType;
  if (key === null || contentType === null) throw notFound(input.id);
  const body = await deps.attachments.blobs.get(key);
  if (!body) throw notFound(input.id);
  return {
    record,
    contentType,
    size: input.variant === 'file' ? Number(record.size) : Number(record.thumbSize),
    body,
  };
}
