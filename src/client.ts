/**
 * What a TypeScript client imports: `import type { … } from 'fastorika-chat-server/client'`.
 * Types only (compiled to dist/client.d.ts by `tsc -p tsconfig.client.json` in the build);
 * every one is inferred from the zod schemas the server itself uses.
 *
 *   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 */
export type { FailureEnvelope, SuccessEnvelope } from './envelopes.js';
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
  Chat,
  ChatStatus,
  Message,
  MessageAttachment,
  MessageType,
  SenderType,
  UploadedAttachment,
} from './schemas/shapes.js';
