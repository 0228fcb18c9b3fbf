/** A stored attachment's record for tests and benches that need records, not real files. */
import { randomBytes } from 'node:crypto';
import type { AttachmentRecord } from '../../src/store/attachment-records.js';

/** A one-byte PDF not yet in a message, its bytes under `key`. */
export const pdfRecord = (key: string, createdAt = new Date().toISOString()): AttachmentRecord => ({
  id: randomBytes(12).toString('hex'),
  uploaderId: 'u1',
  chatId: null,
  name: 'a.pdf',
  contentType: 'application/pdf',
  size: 1,
  width: null,
  height: null,
  sha256: 'ab'.repeat(32),
  blobKey: key,
  thumbKey: null,
  thumbContentType: null,
  thumbSize: 0,
  createdAt,
  messageId: null,
});
