/**
 * Attachments as clients see them: the record's public fields and its links, signed at
 * the moment they are handed out (upload replies, sent messages, events, history pages).
 * A stored message keeps the bare path in `fileUrl`; every message that leaves the server
 * with an attachment carries the signed link there and in `attachment`.
 */
import type { Actor } from '../auth/actor.js';
import type { Message, MessageAttachment, UploadedAttachment } from '../schemas/shapes.js';
import type { AttachmentRecord } from '../store/attachment-records.js';
import type { Store } from '../store/store.js';
import { ACCEPTED_TYPES } from './content-type.js';
import { type LinkSigner, type LinkViewer, signerFor } from './signed-urls.js';

export const attachmentPath = (id: string): string => `/api/attachments/${id}`;
export const thumbnailPath = (id: string): string => `/api/attachments/${id}/thumbnail`;

function contentTypeOf(record: AttachmentRecord): MessageAttachment['contentType'] {
  const type = ACCEPTED_TYPES.find((t) => t === record.contentType);
  // Records are written from ACCEPTED_TYPES only; anything else is served as bytes.
  return type ?? 'text/plain';
}

export function wireAttachment(record: AttachmentRecord, links: LinkSigner): MessageAttachment {
  return {
    id: record.id,
    name: record.name,
    contentType: contentTypeOf(record),
    size: Number(record.size),
    ...(record.width !== null && { width: Number(record.width) }),
    ...(record.height !== null && { height: Number(record.height) }),
    url: links.sign(attachmentPath(record.id)),
    ...(record.thumbKey !== null && { thumbnailUrl: links.sign(thumbnailPath(record.id)) }),
  };
}

export function uploadedAttachment(
  record: AttachmentRecord,
  links: LinkSigner,
): UploadedAttachment {
  return { ...wireAttachment(record, links), sha256: record.sha256 };
}

/** What a message's links are made with: the signer, and PUBLIC_URL when it is set. */
export interface MessageLinks {
  links: LinkSigner;
  /** PUBLIC_URL (no trailing slash): fileUrl is absolute with it, a path without. */
  publicUrl: string | undefined;
}

/** Who links handed to `actor` name (v2's anonymous caller: no one). */
export const linkViewer = (actor: Actor): LinkViewer | undefined =>
  actor.kind === 'anonymous' ? undefined : { id: actor.id, role: actor.role };

/**
 * Links for a reply to `actor`: each names them, so a download by one of them is audited
 * as theirs. A broadcast's links name no one (one payload reaches every socket of a room).
 */
export function linksFor<L extends MessageLinks>(links: L, actor: Actor): L {
  return { ...links, links: signerFor(links.links, linkViewer(actor)) };
}

/**
 * The message as it leaves the server: its attachment, and fileUrl the signed link, made
 * absolute with PUBLIC_URL so that a v2 client showing fileUrl as a link gets one that
 * works wherever it is shown (`attachment.url` stays a path, as v3 clients expect).
 */
export function withAttachment(
  message: Message,
  record: AttachmentRecord,
  { links, publicUrl }: MessageLinks,
): Message {
  const attachment = wireAttachment(record, links);
  return { ...message, fileUrl: `${publicUrl ?? ''}${attachment.url}`, attachment };
}

/**
 * The messages with their attachments: one lookup for a page that has image or file
 * messages, none for a page of text (or of v2 messages, whose fileUrl is theirs).
 */
export async function withAttachments(
  store: Store,
  links: MessageLinks,
  messages: Message[],
): Promise<Message[]> {
  const candidates = messages.filter((m) => m.messageType !== 'text').map((m) => m._id);
  if (candidates.length === 0) return messages;
  const records = await store.attachments.usedBy(candidates);
  if (records.length === 0) return messages;
  const byMessage = new Map(records.map((r) => [r.messageId, r]));
  return messages.map((m) => {
    const record = byMessage.get(m._id);
    return record ? withAttachment(m, record, links) : m;
  });
}
