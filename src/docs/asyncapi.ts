/**
 * The AsyncAPI 3.0 document of the Socket.io events, generated from the zod schemas that
 * validate client payloads and type server events (schemas/events.ts), and served at
 * /docs/asyncapi.json. It describes this server: `receive` operations are what a client
 * emits (each with its acknowledgement as the reply), `send` operations are what the
 * server emits, one channel per room. Its servers are this server as the client reached
 * it (the request's host and scheme), by WebSocket and by HTTP long-polling, each with the
 * handshake's token as its security.
 */
import { z } from 'zod';
import {
  type Audience,
  CLIENT_EVENT_SPECS,
  CLIENT_EVENTS,
  type ClientEventName,
  SERVER_EVENTS,
  type ServerEventName,
} from '../schemas/events.js';
import { FailureEnvelopeSchema, successEnvelope } from '../schemas/replies.js';

type Json = Record<string, unknown>;

/** JSON Schema draft-07 (what AsyncAPI 3.0 schemas build on), without the $schema key. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io }) as Json;
  return rest;
}

interface Channel {
  key: string;
  address: string;
  title: string;
  description: string;
  parameter?: { name: string; description: string };
}

/** The rooms of docs/protocol.md ("Rooms"), and the connection itself. */
const CHANNELS: Record<Audience, Channel> = {
  socket: {
    key: 'connection',
    address: '/',
    title: 'The connection',
    description:
      'The default namespace `/` of one Socket.io connection: every event a client emits goes here (payload first, acknowledgement callback last), and `pong` and `error` come back on it to that socket alone. Connect with `io(url, { auth: { token } })` (AUTH_MODE=jwt) or without a token (AUTH_MODE=none). A refused handshake is a `connect_error` whose `data` is the failure envelope.',
  },
  admins: {
    key: 'admins',
    address: 'admins',
    title: 'Room admins',
    description: 'Every connected admin (a socket enters it with join-admin).',
  },
  'admin-<adminId>': {
    key: 'admin',
    address: 'admin-{adminId}',
    title: 'Room admin-<adminId>',
    description: "One admin's sockets, all tabs (entered with join-admin).",
    parameter: { name: 'adminId', description: "The admin's id." },
  },
  'user-<userId>': {
    key: 'user',
    address: 'user-{userId}',
    title: 'Room user-<userId>',
    description: "One user's sockets, all tabs (entered with join-user).",
    parameter: { name: 'userId', description: "The user's id." },
  },
  'chat-<chatId>': {
    key: 'chat',
    address: 'chat-{chatId}',
    title: 'Room chat-<chatId>',
    description:
      'Sockets that joined the chat (join-chat) and may still view it: when the chat is taken, locked, transferred, unlocked or closed, sockets that lost access leave it before its next event.',
    parameter: { name: 'chatId', description: "The chat's id." },
  },
};

const ackName = (event: ClientEventName) => `${event}-ack`;

function clientMessages(): Json {
  const messages: Json = {};
  for (const event of CLIENT_EVENTS) {
    const spec = CLIENT_EVENT_SPECS[event];
    messages[event] = {
      name: event,
      title: event,
      summary: spec.summary,
      ...(spec.payload
        ? { payload: jsonSchema(spec.payload, 'input') }
        : { description: 'No payload: the acknowledgement callback is the only argument.' }),
    };
    messages[ackName(event)] = {
      name: `${event} acknowledgement`,
      title: `${event} acknowledgement`,
      summary: `The argument of the acknowledgement callback of ${event}: the success envelope, or the failure envelope (codes: ${ERRORS_URL}).`,
      payload: jsonSchema(z.union([successEnvelope(spec.reply), FailureEnvelopeSchema]), 'output'),
    };
  }
  return messages;
}

function serverMessages(): Json {
  const messages: Json = {};
  for (const [event, spec] of Object.entries(SERVER_EVENTS)) {
    messages[event] = {
      name: event,
      title: event,
      summary: spec.summary,
      payload: jsonSchema(spec.payload, 'output'),
    };
  }
  return messages;
}

const ref = ($ref: string) => ({ $ref });

/** The error catalogue as this server serves it (http/docs.ts). */
export const ERRORS_URL = '/docs/errors.json';

/** Where a client reached this server: the request's host (with its port) and scheme. */
export interface Origin {
  host: string;
  secure: boolean;
}

const HANDSHAKE_TOKEN = {
  type: 'httpApiKey',
  name: 'token',
  in: 'query',
  description: [
    "With AUTH_MODE=jwt, the JWT your backend minted (sub, name, role, exp; see /docs) is checked at the Socket.io handshake: send it as `io(url, { auth: { token } })` (the CONNECT packet's auth, preferred) or, for clients that cannot set `auth`, as `?token=` on the connection URL (never logged).",
    'A refused handshake is a `connect_error` whose `message` is the reason and whose `data` is the failure envelope: `MISSING_TOKEN`, `INVALID_TOKEN` or `TOKEN_EXPIRED` (401), `FORBIDDEN` (a recovered session of someone else). A browser page of an origin CORS_ORIGIN does not list is refused before that: 403 on polling, 400 on the WebSocket upgrade, message `Origin not allowed`.',
    'With AUTH_MODE=none no token is needed: identities in payloads are believed.',
  ].join(' '),
};

/** The two transports of one Socket.io endpoint (path /socket.io/, namespace /). */
export function asyncApiServers({ host, secure }: Origin): Json {
  const security = [ref('#/components/securitySchemes/handshakeToken')];
  const common = { host, pathname: '/socket.io/', security };
  return {
    websocket: {
      ...common,
      protocol: secure ? 'wss' : 'ws',
      title: 'Socket.io over WebSocket',
      description:
        "Socket.io 4 (Engine.io protocol 4). `io(url, { transports: ['websocket'] })` connects by WebSocket at once; by default a client starts with HTTP long-polling and upgrades.",
    },
    polling: {
      ...common,
      protocol: secure ? 'https' : 'http',
      title: 'Socket.io over HTTP long-polling',
      description:
        'The same endpoint where WebSocket is blocked: the Engine.io handshake, then polls (GET) and sends (POST) on /socket.io/?EIO=4&transport=polling.',
    },
  };
}

export function buildAsyncApi(version: string, origin: Origin): Json {
  const channels: Json = {};
  const operations: Json = {};
  const channelMessages = new Map<string, Set<string>>();
  const addMessage = (channel: Channel, message: string) => {
    const set = channelMessages.get(channel.key) ?? new Set<string>();
    set.add(message);
    channelMessages.set(channel.key, set);
  };

  const connection = CHANNELS.socket;
  for (const event of CLIENT_EVENTS) {
    addMessage(connection, event);
    addMessage(connection, ackName(event));
    operations[`receive_${event.replaceAll('-', '_')}`] = {
      action: 'receive',
      title: `Client emits ${event}`,
      summary: CLIENT_EVENT_SPECS[event].summary,
      channel: ref(`#/channels/${connection.key}`),
      messages: [ref(`#/channels/${connection.key}/messages/${event}`)],
      reply: {
        channel: ref(`#/channels/${connection.key}`),
        messages: [ref(`#/channels/${connection.key}/messages/${ackName(event)}`)],
      },
    };
  }
  for (const [event, spec] of Object.entries(SERVER_EVENTS) as [
    ServerEventName,
    (typeof SERVER_EVENTS)[ServerEventName],
  ][]) {
    for (const audience of spec.to) {
      const channel = CHANNELS[audience];
      addMessage(channel, event);
      operations[`send_${channel.key}_${event.replaceAll('-', '_')}`] = {
        action: 'send',
        title: `${event} to ${channel.address}`,
        summary: spec.summary,
        channel: ref(`#/channels/${channel.key}`),
        messages: [ref(`#/channels/${channel.key}/messages/${event}`)],
      };
    }
  }
  for (const channel of Object.values(CHANNELS)) {
    const messages: Json = {};
    for (const message of channelMessages.get(channel.key) ?? []) {
      messages[message] = ref(`#/components/messages/${message}`);
    }
    channels[channel.key] = {
      address: channel.address,
      servers: [ref('#/servers/websocket'), ref('#/servers/polling')],
      title: channel.title,
      description: channel.description,
      ...(channel.parameter
        ? {
            parameters: {
              [channel.parameter.name]: { description: channel.parameter.description },
            },
          }
        : {}),
      messages,
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Fastorika Chat Server: Socket.io events',
      version,
      description: [
        'The Socket.io half of the Fastorika chat wire contract, generated from the schemas the server validates client events with. Socket.io event name = message name; the payload is the first argument; the acknowledgement callback (optional at run time) receives the reply message.',
        `An event sent without an acknowledgement that fails is answered by an \`error\` event to that socket. Every error code with its status and meaning: ${ERRORS_URL}. REST: /docs/json. The whole contract, with reconnection and catch-up (\`GET /api/messages/:chatId?after=<seq>\`): docs/protocol.md in the repository.`,
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    servers: asyncApiServers(origin),
    channels,
    operations,
    components: {
      messages: { ...clientMessages(), ...serverMessages() },
      securitySchemes: { handshakeToken: HANDSHAKE_TOKEN },
    },
  };
}
