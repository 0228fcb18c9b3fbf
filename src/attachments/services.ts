/**
 * What the attachment use cases are given by the composition root besides the store and
 * the limits: where bytes live, the optional scanner, the link signer and the configured
 * bounds. Chosen once, in server.ts: the use cases never know which BlobStore they have.
 */
import type { Limits } from '../limits/rate-limiter.js';
import type { Store } from '../store/store.js';
import type { BlobStore, MalwareScanner } from './ports.js';
import type { RecentDownloads } from './recent-downloads.js';
import type { LinkSigner } from './signed-urls.js';
import type { UploadBudget } from './upload-budget.js';
import type { UploadPace } from './upload-pace.js';

export interface AttachmentServices {
  blobs: BlobStore;
  /** When present, every upload is scanned before it is accepted (fail closed). */
  scanner: MalwareScanner | undefined;
  links: LinkSigner;
  /** PUBLIC_URL: messages' fileUrl is absolute with it (wire.ts). */
  publicUrl: string | undefined;
  maxBytes: number;
  maxPixels: number;
  quotaBytes: number;
  /** How slow an upload may be (upload-pace.ts). */
  pace: UploadPace;
  /** What all of this node's uploads together may read per second (upload-budget.ts). */
  uploadBudget: UploadBudget;
  /** A download to which nothing could be sent for this long is cut (its client stopped reading). */
  downloadIdleMs: number;
  /** The downloads this node recorded lately: what a later range continues (download.ts). */
  recentDownloads: RecentDownloads;
}

export interface WithAttachments {
  attachments: AttachmentServices;
}

/** The dependencies of the attachment use cases (a subset of what server.ts builds). */
export interface AttachmentDeps extends WithAttachments {
  store: Store;
  limits: Limits;
}
