/**
 * What a TypeScript client imports: `import type { … } from 'fastorika-chat-server/client'`,
 * or the one self-contained file the build writes from it (dist/client.d.ts, by
 * scripts/build-client-types.mjs: every type written out, no zod). Types only; every one
 * is inferred from the zod schemas the server itself uses.
 *
 *   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 */
export type { FailureEnvelope, SuccessEnvelope, SuccessEnvelopes } from './envelopes.js';
export type { ErrorCode } from './errors.js';
export type {
  AckReply,
  ClientEventName,
  ClientEventPayload,
  ClientEventReply,
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
  TypedClientToServerEvents as ClientToServerEvents,
} from './schemas/events.js';
export type { RestBodies, RestQueries, RestReplies } from './schemas/rest.js';
export type {
  CannedReply,
  Chat,
  ChatStatus,
  Message,
  MessageAttachment,
  MessageType,
  Note,
  SenderType,
  UploadedAttachment,
} from './schemas/shapes.js';
