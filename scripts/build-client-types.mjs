// Builds dist/client.d.ts: the client types (src/client.ts) as one self-contained file,
// with every type written out. The types are inferred from the zod schemas, so tsc's own
// declarations would import zod (and the rest of src/); a client project then needs this
// repository and zod. Here the compiler expands each exported type into plain object and
// union types instead, and the build fails if anything still refers to another module.
// Beside it, the typings of the <fastorika-chat> element (web/widget/types: the element,
// its events, JSX for React and Preact). `tsc -p tsconfig.client.json` then checks that
// these files compile on their own.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const ENTRY = join(ROOT, 'src', 'client.ts');
/** A module that only the compiler sees: the maps the generic types index into. */
const HELPER = join(ROOT, 'src', '__client-types__.ts');
const ELEMENT_TYPES = join(ROOT, 'web', 'widget', 'types');

const HELPER_SOURCE = `
import type * as C from './client.js';
type Expand<T> = T extends readonly (infer U)[] ? Expand<U>[] : T extends object ? { [K in keyof T]: Expand<T[K]> } : T;
export type ChatX = Expand<C.Chat>;
export type MessageX = Expand<C.Message>;
export type NoteX = Expand<C.Note>;
export type ChatStatusX = C.ChatStatus;
export type MessageTypeX = C.MessageType;
export type SenderTypeX = C.SenderType;
export type ErrorCodeX = C.ErrorCode;
export type FailureEnvelopeX = Expand<C.FailureEnvelope>;
export type ClientEventNameX = C.ClientEventName;
export type ServerEventNameX = C.ServerEventName;
export type ClientEventPayloadsX = { [E in C.ClientEventName]: Expand<C.ClientEventPayload<E>> };
export type ClientEventRepliesX = { [E in C.ClientEventName]: Expand<C.ClientEventReply<E>> };
export type ServerEventPayloadsX = { [E in C.ServerEventName]: Expand<C.ServerEventPayload<E>> };
export type ClientEventWithoutPayloadX = { [E in C.ClientEventName]: [C.ClientEventPayload<E>] extends [never] ? E : never }[C.ClientEventName];
export type RestRouteX = keyof C.RestReplies;
export type RestBodiesX = { [K in keyof C.RestBodies]: Expand<C.RestBodies[K]> };
export type RestQueriesX = { [K in keyof C.RestQueries]: Expand<C.RestQueries[K]> };
type EachOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RestSuccessRepliesX = { [K in keyof C.RestReplies]: Expand<EachOmit<Extract<C.RestReplies[K], { success: true }>, 'success'>> };
`;

/** [name in the output, helper type, what it is] in the order of the file. */
const EXPANDED = [
  [
    'ChatStatus',
    'ChatStatusX',
    'waiting: in the queue; active: an admin holds it; closed: takes no messages.',
  ],
  ['MessageType', 'MessageTypeX', 'What a message carries.'],
  ['SenderType', 'SenderTypeX', 'Who wrote a message.'],
  ['Chat', 'ChatX', 'A support chat, as every REST reply and event carries it.'],
  ['Message', 'MessageX', 'A stored message.'],
  ['Note', 'NoteX', 'An internal note: admins only, placed after the message with seq = afterSeq.'],
  ['ErrorCode', 'ErrorCodeX', 'Every error code (docs/errors.md).'],
  [
    'FailureEnvelope',
    'FailureEnvelopeX',
    'What every failure answers (REST body, acknowledgement, `error` event).',
  ],
  ['ClientEventName', 'ClientEventNameX', 'The events a client sends.'],
  ['ServerEventName', 'ServerEventNameX', 'The events the server sends.'],
  [
    'ClientEventPayloads',
    'ClientEventPayloadsX',
    'What a client sends with each event (`never`: no payload).',
  ],
  [
    'ClientEventReplies',
    'ClientEventRepliesX',
    'What the acknowledgement of each event carries besides `success: true`.',
  ],
  ['ServerEventPayloads', 'ServerEventPayloadsX', 'What the server sends with each event.'],
  [
    'ClientEventWithoutPayload',
    'ClientEventWithoutPayloadX',
    'The events sent with an acknowledgement only.',
  ],
  ['RestRoute', 'RestRouteX', 'Every REST route, as `METHOD /path`.'],
  ['RestBodies', 'RestBodiesX', 'The JSON body of each route (`never`: no body).'],
  ['RestQueries', 'RestQueriesX', 'The query string of each route, as an object (`never`: none).'],
  [
    'RestSuccessReplies',
    'RestSuccessRepliesX',
    'What each route answers when it succeeds, besides `success: true`.',
  ],
];

/** The generic types, written in terms of the expanded maps (the same shapes as src/client.ts). */
const GENERIC = `
/** A success: \`{ success: true }\` and the reply. */
export type SuccessEnvelope<R extends object> = { success: true } & R;
/** The success envelope of each shape a reply may have (so that \`'note' in reply\` narrows). */
export type SuccessEnvelopes<R extends object> = R extends object ? SuccessEnvelope<R> : never;

export type ClientEventPayload<E extends ClientEventName> = ClientEventPayloads[E];
export type ClientEventReply<E extends ClientEventName> = ClientEventReplies[E];
/** The acknowledgement of E: the success envelope, or the failure envelope. */
export type AckReply<E extends ClientEventName> =
  | SuccessEnvelopes<ClientEventReply<E>>
  | FailureEnvelope;
export type ServerEventPayload<E extends ServerEventName> = ServerEventPayloads[E];

/** Server → client, for \`Socket<ServerToClientEvents, ClientToServerEvents>\`. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayloads[E]) => void;
};

/**
 * Client → server: each event with its payload and its acknowledgement (typed as the last,
 * required argument, so that \`emitWithAck\` knows the reply).
 */
export type ClientToServerEvents = {
  [E in ClientEventName]: E extends ClientEventWithoutPayload
    ? (ack: (reply: AckReply<E>) => void) => void
    : (payload: ClientEventPayload<E>, ack: (reply: AckReply<E>) => void) => void;
};

/** What each route answers: the success envelope, or the failure envelope. */
export type RestReplies = {
  [K in RestRoute]: SuccessEnvelopes<RestSuccessReplies[K]> | FailureEnvelope;
};
`;

function expandedTypes() {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    resolve(name) === HELPER
      ? ts.createSourceFile(name, HELPER_SOURCE, version)
      : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === HELPER || fileExists(name);
  const program = ts.createProgram([ENTRY, HELPER], { ...options, noEmit: true }, host);
  const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(HELPER));
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnostics(errors, host));
  }
  const checker = program.getTypeChecker();
  const helper = program.getSourceFile(HELPER);
  const moduleSymbol = helper && checker.getSymbolAtLocation(helper);
  if (!moduleSymbol) throw new Error('client types: the helper module did not load');
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  const flags =
    ts.NodeBuilderFlags.NoTruncation |
    ts.NodeBuilderFlags.InTypeAlias |
    ts.NodeBuilderFlags.IgnoreErrors |
    ts.NodeBuilderFlags.MultilineObjectLiterals;
  return EXPANDED.map(([name, from, doc]) => {
    const symbol = exported.get(from);
    if (!symbol) throw new Error(`client types: ${from} is missing`);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const node = checker.typeToTypeNode(type, helper, flags);
    if (!node) throw new Error(`client types: ${name} cannot be written out`);
    const text = printer.printNode(ts.EmitHint.Unspecified, node, helper);
    return `/** ${doc} */\nexport type ${name} = ${text};\n`;
  });
}

export function buildClientTypes(outDir = join(ROOT, 'dist')) {
  const names = new Set(EXPANDED.map(([name]) => name));
  // A named type the printer kept (e.g. C.ErrorCode) is one of ours: use our name for it.
  const body = `${expandedTypes().join('\n')}${GENERIC}`.replace(/\bC\.(\w+)/g, (all, name) =>
    names.has(name) ? name : all,
  );
  // Anything left that names another module or zod's internals would not compile elsewhere.
  const leak = /\bimport\(|\bz\.|\bC\.|\$Infer|\bExpand</.exec(body);
  if (leak) throw new Error(`client types: not self-contained (${leak[0]} in the output)`);
  const header = `/**
 * Fastorika Chat Server: the types of its REST API and Socket.io events, for TypeScript
 * clients. Generated from the server's zod schemas by \`npm run build\`
 * (scripts/build-client-types.mjs); self-contained: it imports nothing. With
 * socket.io-client:
 *
 *   import { io, type Socket } from 'socket.io-client';
 *   import type { ClientToServerEvents, ServerToClientEvents } from './fastorika-chat-client';
 *   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 */
`;
  mkdirSync(outDir, { recursive: true });
  const written = [join(outDir, 'client.d.ts')];
  writeFileSync(written[0], header + body);
  for (const file of readdirSync(ELEMENT_TYPES).filter((f) => f.endsWith('.d.ts'))) {
    copyFileSync(join(ELEMENT_TYPES, file), join(outDir, file));
    written.push(join(outDir, file));
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const file of buildClientTypes(process.argv[2])) console.log(file);
}
