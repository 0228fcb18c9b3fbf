/**
 * Uploading: admitted before the file is read (the upload budget, an erasure of the user,
 * the chat, the quota already full), then decided on the bytes read (type, scan, image
 * re-encode) and stored: the bytes first, the record last, so a failure at any step leaves
 * nothing a client can reach, and the blobs it wrote are deleted (a crash between the two
 * is swept later). An erasure of the user that began while the file was read or stored
 * refuses the record's insert (ERASURE_IN_PROGRESS): its bytes go like any refused upload's.
 */

import { randomBytes } from 'node:crypto';
import { type Actor, isAdmin, type Person, requirePerson } from '../auth/actor.js';
import { assertMayWrite } from '../chats/rules.js';
import { AppError, RateLimited } from '../errors.js';
import { overLimit } from '../limits/rate-limiter.js';
import type { Outcome } from '../outcome.js';
import { redactClientText } from '../redaction/client-text.js';
import type { UploadedAttachment } from '../schemas/shapes.js';
import { cutText } from '../schemas/text-rules.js';
import type { AttachmentRecord, UploaderStanding } from '../store/attachment-records.js';
import { requireChat } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import {
  type AcceptedType,
  contradiction,
  EXTENSION_OF,
  extensionOf,
  isImageType,
  sniff,
} from './content-type.js';
import { sha256InSlices } from './file-intake.js';
import { processImage } from './images.js';
import { ScannerUnavailable } from './ports.js';
import { asStoreAnswer, assertWithinQuota, fitsQuota, quotaExceeded } from './rules.js';
import type { AttachmentDeps } from './services.js';
import { signerFor } from './signed-urls.js';
import { linkViewer, uploadedAttachment } from './wire.js';

export interface UploadedFile {
  bytes: Uint8Array;
  /** The bytes' sha256 (hex), computed as they arrived. */
  sha256: string;
  /** The name the client gave (may be a path, may be empty). */
  filename: string;
  /** The part's declared Content-Type. */
  declaredType: string;
}

export interface UploadInput {
  chatId?: string | undefined;
  file: UploadedFile;
  /**
   * The desk chain's position when the upload was admitted (admitUpload's): an erasure of
   * the uploader recorded since refuses it.
   */
  deskSeqAtAdmission: number;
}

/**
 * An upload let in, before a byte of its file was read: by whom, and the desk chain's
 * position then (a user's; an admin's upload is held by no erasure).
 */
export interface Admission {
  uploader: Person;
  deskSeq: number;
}

/** Random, not time-ordered like message ids: an attachment id tells nothing and is not guessable. */
const newAttachmentId = (): string => randomBytes(12).toString('hex');

// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what it removes
const UNSAFE_NAME = /[\u0000-\u001F\u007F-\u009F"\\/]|[\u202A-\u202E\u2066-\u2069]/g;

/**
 * The name kept and shown: the last path segment, controls, quotes, slashes and
 * bidirectional overrides removed, without trailing dots and spaces (Windows drops them
 * when it saves a file, so `invoice.bat.` would be saved as a script), cut to
 * attachmentNameChars with the extension kept; `attachment.<ext>` when nothing is left.
 */
export function fileNameOf(given: string, type: AcceptedType): string {
  const base = (given.split(/[\\/]/).pop() ?? '')
    .replace(UNSAFE_NAME, '')
    .replace(/[.\s]+$/, '')
    .trim();
  // A person named the file: a card number in the name is masked like one in a message,
  // before the cut (masking keeps the length), which would otherwise leave a run of the
  // card's first digits too short to pass the Luhn check as a card number.
  return boundedFileName(redactClientText(base).text, type);
}

function boundedFileName(base: string, type: AcceptedType): string {
  const max = TUNABLES.attachmentNameChars.value;
  if (!base || base === '.' || base === '..') return `attachment.${EXTENSION_OF[type]}`;
  if (base.length <= max) return base;
  const extension = extensionOf(base);
  const tail = extension ? `.${extension}` : '';
  return cutText(base, max - tail.length) + tail;
}

/** An upload is a form, not a socket: with AUTH_MODE=none its fields name the uploader. */
const NAME_THE_UPLOADER =
  'Name the uploader: the form fields senderId and senderType, sent before the file part';

/**
 * Before the file is read: the caller is someone, within their upload budget, not a user
 * an erasure holds, may write in the chat named so far, and has room left. What comes
 * later is checked again.
 */
export async function admitUpload(
  deps: AttachmentDeps,
  actor: Actor,
  chatId: string | undefined,
): Promise<Admission> {
  const uploader = requirePerson(actor, NAME_THE_UPLOADER);
  const retryAfterMs = await overLimit(deps.limits.uploads, uploader.id);
  if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
  let deskSeq = 0;
  if (!isAdmin(uploader)) {
    // Read before the hold is asked: an erasure that starts after it is one the file straddles.
    deskSeq = await deps.store.privacy.deskPosition();
    await deps.store.privacy.refuseWhileHeld(uploader.id);
  }
  if (chatId !== undefined) assertMayWrite(await requireChat(deps.store, chatId), uploader);
  assertWithinQuota(
    await deps.store.attachments.bytesHeldBy(uploader.id),
    1,
    deps.attachments.quotaBytes,
  );
  return { uploader, deskSeq };
}

/**
 * An admitted upload that ended before anything was stored (too slow, cut off) gives its
 * place in the upload budget back: a person on a poor connection who tries again is not
 * refused for the tries that never arrived. What it would have held never counted against
 * the quota, which counts stored bytes only.
 */
export async function releaseUpload(deps: AttachmentDeps, uploader: Person): Promise<void> {
  await deps.limits.uploads.giveBack(uploader.id);
}

async function scan(deps: AttachmentDeps, bytes: Uint8Array): Promise<void> {
  const scanner = deps.attachments.scanner;
  if (!scanner) return;
  let verdict: Awaited<ReturnType<typeof scanner.scan>>;
  try {
    verdict = await scanner.scan(bytes);
  } catch (err) {
    if (err instanceof ScannerUnavailable) {
      throw new AppError('SCANNER_UNAVAILABLE', undefined, {}, err);
    }
    throw err;
  }
  if (!verdict.clean) {
    throw new AppError(
      'ATTACHMENT_INFECTED',
      `The file was refused by the malware scanner (${verdict.signature})`,
    );
  }
}

/**
 * What is stored: the bytes (an image re-encoded without metadata), their sha256 and the
 * thumbnail. Other files are stored as uploaded, so their hash is the one taken on arrival.
 */
async function prepare(deps: AttachmentDeps, file: UploadedFile, type: AcceptedType) {
  if (!isImageType(type)) {
    const { bytes, sha256 } = file;
    return { bytes, sha256, width: null, height: null, thumbnail: undefined };
  }
  const image = await processImage(file.bytes, type, deps.attachments.maxPixels);
  return { ...image, sha256: await sha256InSlices(image.bytes) };
}

export async function uploadAttachment(
  deps: AttachmentDeps,
  actor: Actor,
  input: UploadInput,
): Promise<Outcome<{ attachment: UploadedAttachment }>> {
  const uploader = requirePerson(actor, NAME_THE_UPLOADER);
  if (input.chatId !== undefined) {
    assertMayWrite(await requireChat(deps.store, input.chatId), uploader);
  }
  const { file } = input;
  const sniffed = await sniff(file.bytes);
  if ('refused' in sniffed) {
    throw new AppError('ATTACHMENT_TYPE', `This type of file is not accepted: ${sniffed.refused}`);
  }
  const name = fileNameOf(file.filename, sniffed.type);
  // The name kept, not the one given: cleaning may leave an extension the given name hid
  // behind a trailing space, control or bidirectional character ("invoice.bat ").
  const contradicted = contradiction(sniffed.type, file.declaredType, name);
  if (contradicted) throw new AppError('ATTACHMENT_TYPE', `The file is ${contradicted}`);
  await scan(deps, file.bytes);
  const prepared = await prepare(deps, file, sniffed.type);
  const thumbSize = prepared.thumbnail?.bytes.length ?? 0;
  const id = newAttachmentId();
  const record: AttachmentRecord = {
    id,
    uploaderId: uploader.id,
    chatId: input.chatId ?? null,
    name,
    contentType: sniffed.type,
    size: prepared.bytes.length,
    width: prepared.width,
    height: prepared.height,
    sha256: prepared.sha256,
    blobKey: `attachments/${id}`,
    thumbKey: prepared.thumbnail ? `attachments/${id}/thumbnail` : null,
    thumbContentType: prepared.thumbnail?.contentType ?? null,
    thumbSize,
    createdAt: new Date().toISOString(),
    messageId: null,
  };
  const standing = { role: uploader.role, deskSeqAtAdmission: input.deskSeqAtAdmission };
  await storeWithinQuota(deps, standing, record, prepared);
  const links = signerFor(deps.attachments.links, linkViewer(actor));
  return { reply: { attachment: uploadedAttachment(record, links) }, events: [] };
}

/**
 * The bytes, then the record if the quota still has room and no erasure holds the user:
 * all of them, or none. The quota is checked first on what is stored so far (a full quota
 * writes nothing), then again by the store as it inserts the record, one insert of an
 * uploader at a time across every node: uploads sent together, through one node or
 * several, would each see room the others were filling. The hold is asked in that insert.
 */
async function storeWithinQuota(
  deps: AttachmentDeps,
  uploader: UploaderStanding,
  record: AttachmentRecord,
  prepared: Awaited<ReturnType<typeof prepare>>,
): Promise<void> {
  const added = record.size + record.thumbSize;
  const { quotaBytes } = deps.attachments;
  assertWithinQuota(await deps.store.attachments.bytesHeldBy(record.uploaderId), added, quotaBytes);
  const { blobs } = deps.attachments;
  try {
    await blobs.put(record.blobKey, prepared.bytes, record.contentType);
    if (prepared.thumbnail && record.thumbKey && record.thumbContentType) {
      await blobs.put(record.thumbKey, prepared.thumbnail.bytes, record.thumbContentType);
    }
    const refused = await deps.store.attachments.insertIfRoom(
      record,
      (held) => fitsQuota(held, added, quotaBytes),
      uploader,
    );
    if (refused) throw quotaExceeded(refused.heldBytes, added, quotaBytes);
  } catch (err) {
    await Promise.allSettled([
      blobs.delete(record.blobKey),
      record.thumbKey ? blobs.delete(record.thumbKey) : Promise.resolve(),
    ]);
    throw asStoreAnswer(err);
  }
}
