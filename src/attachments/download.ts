/**
 * Downloading: with a signed link (checked before anything is looked up, so a bad link
 * tells nothing about the id), or as a caller who may download it (rules.ts), read from
 * the database: a cached chat row may not yet know that the chat changed hands on
 * another node. Answers what the transport needs to stream it: the whole file, or the one
 * byte range asked for (read from the store alone, byte-range.ts). A download of the file
 * is recorded in the audit log (`attachment.downloaded`, see downloadIsRecorded).
 */
import type { Readable } from 'node:stream';
import { auditActor } from '../audit/actor.js';
import type { AuditActor } from '../audit/chain.js';
import type { Actor } from '../auth/actor.js';
import { AppError, NotFound } from '../errors.js';
import type { AttachmentRecord } from '../store/attachment-records.js';
import { type ByteRange, type RangeRequest, resolveRange } from './byte-range.js';
import { exactLength } from './exact-length.js';
import { asStoreAnswer, assertMayDownload } from './rules.js';
import type { AttachmentDeps } from './services.js';
import type { LinkQuery, LinkViewer } from './signed-urls.js';
import { attachmentPath, thumbnailPath } from './wire.js';

export interface DownloadInput {
  id: string;
  variant: 'file' | 'thumbnail';
  /** The signed link's query, when the request carries one. */
  link?: LinkQuery | undefined;
  /** The one byte range asked for (byte-range.ts), when the request asks for one. */
  range?: RangeRequest | undefined;
  /** If-Range: the range is served only when this is the file's ETag; else the whole file. */
  ifRange?: string | undefined;
  /** A HEAD: the headers are answered, no byte is sent, so it is not a download recorded. */
  headersOnly?: boolean | undefined;
}

export interface Download {
  record: AttachmentRecord;
  contentType: string;
  /** The whole file's size. */
  size: number;
  /** A strong validator: the stored bytes never change under an id. */
  etag: string;
  /** The bytes `body` holds when it is a part of the file (206). */
  range: ByteRange | undefined;
  body: Readable;
}

/** A range that selects nothing of the file: 416, with the file's size for Content-Range. */
export class RangeNotSatisfiable extends AppError {
  constructor(readonly size: number) {
    super('RANGE_NOT_SATISFIABLE', `The requested range is outside the file (${size} bytes)`);
  }
}

const notFound = (id: string) => new NotFound(`Attachment ${id} not found`, 'ATTACHMENT_NOT_FOUND');

export async function openAttachment(
  deps: AttachmentDeps,
  actor: Actor,
  input: DownloadInput,
): Promise<Download> {
  const path = input.variant === 'file' ? attachmentPath(input.id) : thumbnailPath(input.id);
  const checked = input.link && deps.attachments.links.verify(path, input.link);
  if (input.link && !checked) throw new AppError('ATTACHMENT_LINK');
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
  const size = input.variant === 'file' ? Number(record.size) : Number(record.thumbSize);
  const etag = input.variant === 'file' ? `"${record.sha256}"` : `"${record.sha256}-thumbnail"`;
  let range: ByteRange | undefined;
  if (input.range && (input.ifRange === undefined || input.ifRange === etag)) {
    const resolved = resolveRange(input.range, size);
    if (resolved === 'unsatisfiable') throw new RangeNotSatisfiable(size);
    // The whole file asked for as a range is the whole file.
    if (resolved.start > 0 || resolved.end < size - 1) range = resolved;
  }
  const stored = await deps.attachments.blobs.get(key, range, size).catch((err: unknown) => {
    throw asStoreAnswer(err);
  });
  if (!stored) throw notFound(input.id);
  const body = exactLength(stored, range ? range.end - range.start + 1 : size);
  // A link names who it was handed to; one signed for a room's broadcast, no one.
  const viewer = checked?.viewer;
  const by = viewer ?? auditActor(actor);
  const who = `${by.role}:${by.id}`;
  const { recentDownloads } = deps.attachments;
  const recorded =
    !input.headersOnly &&
    downloadIsRecorded(input.variant, range, () => recentDownloads.has(who, record.id));
  if (recorded) {
    // Before a byte is sent: a download the log cannot record is refused (503), not unrecorded.
    await deps.store.attachments
      .recordDownload({
        actor: viewer ? await namedViewer(deps, record, viewer) : auditActor(actor),
        action: 'attachment.downloaded',
        chatId: record.chatId,
        details: {
          attachmentId: record.id,
          fileName: record.name,
          link: input.link !== undefined,
        },
      })
      .catch((err: unknown) => {
        body.destroy();
        throw err;
      });
    recentDownloads.note(who, record.id);
  }
  return { record, contentType, size, etag, range, body };
}

/**
 * The audit actor a link names: its role and id, and the name the server knows them by
 * (the chat's user's name; an admin's as last recorded), '' when it knows none.
 */
async function namedViewer(
  deps: AttachmentDeps,
  record: AttachmentRecord,
  viewer: LinkViewer,
): Promise<AuditActor> {
  if (viewer.role === 'user') {
    const chat = record.chatId === null ? undefined : await deps.store.getChat(record.chatId);
    return { ...viewer, name: chat?.userId === viewer.id ? chat.userName : '' };
  }
  if (viewer.role === 'admin' || viewer.role === 'superadmin') {
    return { ...viewer, name: (await deps.store.knownAdminName(viewer.id)) ?? '' };
  }
  return { ...viewer, name: '' };
}

/**
 * Which downloads the audit log records: the file (a thumbnail is what every history page
 * shows, not someone taking the file), once per download. A download is the request answered
 * 200, or a 206 from the first byte, or a later range that `continues` no download the same
 * caller had recorded lately (recent-downloads.ts): a player or a resumable download asks
 * for the rest in later ranges, which are not recorded again, so they cost nothing more.
 */
export function downloadIsRecorded(
  variant: DownloadInput['variant'],
  range: ByteRange | undefined,
  continues: () => boolean,
): boolean {
  return variant === 'file' && (range === undefined || range.start === 0 || !continues());
}
