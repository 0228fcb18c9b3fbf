/** The wire shapes and event maps, shared with the server (type-only: nothing of it is bundled). */
export type { ServerToClientEvents } from '../../src/schemas/events.js';
export type {
  Agent,
  CannedReply,
  Chat,
  KnownAdmin,
  Message,
  MessageAttachment,
  MessageType,
  Note,
  Rating,
  UploadedAttachment,
} from '../../src/schemas/shapes.js';

import type { Role } from '../../src/schemas/vocabulary.js';

/** With `none` the identity is the one typed in (demo); with `jwt` it comes from the token. */
export type { AuthMode } from '../../src/schemas/vocabulary.js';

/** Who this browser tab is, as the server will see it. */
export interface Identity {
  id: string;
  name: string;
  role: Role;
}
