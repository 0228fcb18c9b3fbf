/**
 * The Socket.io adapter of a node in a cluster: the official Redis Streams adapter (it
 * carries broadcasts, room changes and connection-state recovery across nodes), with each
 * broadcast reaching only the nodes with a socket in its room (room-channels.ts: appended
 * to the stream and announced on the room's channel; no node reads the stream as it
 * grows), and each chat's `new-message` deliveries kept in `seq` order on this node
 * (seq-order.ts).
 *
 * Where it hooks in: the cluster adapter calls `addOffsetIfNecessary(packet, opts,
 * offset)` right before it delivers a broadcast to this node's sockets, both for a
 * broadcast made here (after Redis took it) and for one read from another node. A
 * `new-message` that arrives early is held there by pointing that one delivery at no
 * room, and delivered to its real rooms once the messages before it went out.
 *
 * Every delivery to this node's sockets (a broadcast Redis took, one read from another
 * node, a held one released, and one Redis did not take, delivered here alone) leaves out
 * the sockets that lost the chat before the event was made, whether or not their leave
 * has reached this node (membership.ts): checked where the in-memory adapter picks the
 * sockets (`apply`), the one step all of them share.
 * test/cluster/ordering.test.ts pins this behaviour with two real nodes.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Adapter, type BroadcastOptions, type ClusterMessage } from 'socket.io-adapter';
import { NOT_RECOVERED } from '../realtime/bounded-recovery.js';
import { leaveOutNonViewers } from '../realtime/membership.js';
import { SeqOrder } from '../realtime/seq-order.js';
import type { Prefixed } from '../redis/prefix.js';
import type { RedisClient } from '../redis/redis.js';
import { rooms } from '../schemas/rooms.js';
import type { Message } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';
import { withMethods } from './adapter-client.js';
import { Announcer, type RawEntry, trimStreamOlderThan } from './announcer.js';
import {
  decodeEntry,
  encodeEntry,
  eventFrame,
  type OrderKey,
  type PreEncodedEntry,
  type WireOptions,
} from './pre-encoded.js';
import { isRoutedRoom, RoomChannels, routedRoomOf } from './room-channels.js';

/** A stream entry id, as the adapter checks a recovery offset. */
const STREAM_ID = /^[0-9]+-[0-9]+$/;

/** A room no socket is ever in: a held delivery goes there. */
const NOWHERE = '\u0000held';

interface Packet {
  type: number;
  data: unknown[];
  nsp: string;
  id?: number;
}

interface OrderingHooks {
  uid: string;
  encode(message: ClusterMessage): RawEntry;
  doPublish(message: ClusterMessage): Promise<string>;
  addOffsetIfNecessary(packet: Packet, opts: BroadcastOptions, offset: string): void;
  broadcast(packet: Packet, opts: BroadcastOptions): Promise<void> | void;
  onRawMessage(raw: Partial<RawEntry>, offset: string): unknown;
}

/** The in-memory adapter's packet encoder (private in its types): one per server. */
interface Encoding {
  encoder: { encode(packet: unknown): unknown[] };
}

/** An event packet whose payload is already encoded: `count` elements of `data` are in it. */
interface Encoded {
  payload: string;
  count: number;
  order: OrderKey | undefined;
}

/**
 * The in-memory adapter's one step that picks this node's sockets for a delivery (private
 * in its types).
 */
interface SocketPicking {
  apply(opts: BroadcastOptions, callback: (socket: unknown) => void): void;
}

/** A broadcast as the cluster adapter publishes it. */
interface BroadcastData {
  packet?: Packet;
  opts: WireOptions;
}

/** The chat and seq of a `new-message` packet; undefined for any other packet. */
function newMessageOf(packet: Packet): Pick<Message, 'chatId' | 'seq'> | undefined {
  if (packet.type !== 2 || packet.data[0] !== 'new-message') return undefined;
  const message = (packet.data[1] as { message?: Message } | undefined)?.message;
  return message && { chatId: message.chatId, seq: message.seq };
}

export interface OrderedAdapterOptions {
  /** Hands the messages of a chat with seq in (afterSeq, beforeSeq) to `deliver`, oldest first, a page at a time. */
  readGap(
    gap: { chatId: string; afterSeq: number; beforeSeq: number },
    deliver: (messages: Message[]) => void,
  ): Promise<void>;
  /** REDIS_PREFIX's names: the stream, the pub/sub channels, the kept sessions. */
  prefixed: Prefixed;
  /** A client away through more stream entries than this is not recovered (catches up over REST). */
  recoveryMaxEntries: number;
  /** How long a socket's join waits for this node to hear its chat's channel (REDIS_COMMAND_TIMEOUT_MS). */
  subscribeWaitMs: number;
  /** Told when this node may have missed broadcasts in an outage, and how many sockets it sent away. */
  onMissed?(why: string, sockets: number): void;
  /**
   * How old a stream entry may get, and how often this node deletes older ones (the
   * recovery window and streamTrimIntervalMs; tests shorten them).
   */
  streamAge?: { retainedMs: number; trimEveryMs: number };
}

/** Sent by pub/sub as the Streams adapter sends them: answers and requests, never kept. */
function isEphemeral(message: ClusterMessage): boolean {
  if (message.type === 3) return message.data.requestId !== undefined;
  return message.type === 7 || message.type === 9;
}

/**
 * The client the Streams adapter makes its stream reader from: a reader that never reads.
 * Nodes hear entries by channel (room-channels.ts); the stream is read only to recover a
 * session or to catch up. Its reads settle (empty) once the adapter closes, which ends it.
 */
function withIdleReader(client: RedisClient, closed: Promise<void>): RedisClient {
  let idle = false;
  const read = () => {
    // Once: the adapter then ends its read loop; were it to go on, it would wait for ever.
    if (idle) return new Promise<null>(() => {});
    idle = true;
    return closed.then(() => null);
  };
  return withMethods(client, (property) =>
    property === 'duplicate'
      ? () => withMethods(client.duplicate(), (p) => (p === 'xRead' ? read : undefined))
      : undefined,
  );
}

export function orderedClusterAdapter(client: RedisClient, options: OrderedAdapterOptions) {
  const streamName = options.prefixed('socket.io');
  const { retainedMs, trimEveryMs } = options.streamAge ?? {
    retainedMs: TUNABLES.recoveryWindowMs.value,
    trimEveryMs: TUNABLES.streamTrimIntervalMs.value,
  };
  const channelPrefix = options.prefixed('socket.io');
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const streams = createAdapter(withIdleReader(client, closed), {
    // The adapter's own defaults, under this deployment's prefix: another deployment on
    // the same Redis neither reads this stream nor hears these channels.
    streamName,
    channelPrefix,
    sessionKeyPrefix: options.prefixed('sio:session:'),
    maxLen: TUNABLES.streamMaxLength.value,
    // Nothing we emit is binary: JSON always, without walking every payload to check.
    onlyPlaintext: true,
  });
  // A regular function: Socket.io calls the adapter factory with `new`.
  return function createOrderedAdapter(nsp: unknown): Adapter {
    const adapter = streams(nsp) as unknown as Adapter & OrderingHooks;
    const roomChannel = (room: string) => `${channelPrefix}#${adapter.nsp.name}#${room}#`;
    const commonChannel = `${channelPrefix}#${adapter.nsp.name}#entries#`;
    const channelOf = (message: ClusterMessage) => {
      const room = routedRoomOf(message);
      return room === undefined ? commonChannel : roomChannel(room);
    };
    /** The event an entry carries encoded (pre-encoded.ts); undefined for any other entry. */
    const preEncodedOf = (raw: Partial<RawEntry>) =>
      raw.type === '3' && raw.nsp === adapter.nsp.name
        ? decodeEntry(adapter.nsp.name, raw.data)
        : undefined;
    // A catch-up asks `wanted` about an entry, then delivers that same entry: what deciding
    // decoded of it is kept for its delivery, so that it is decoded once.
    const decodedAhead = new WeakMap<Partial<RawEntry>, PreEncodedEntry | undefined>();
    const channels = new RoomChannels(client.duplicate(), client, {
      commonChannel,
      channelOf: roomChannel,
      stream: streamName,
      catchUpPageEntries: TUNABLES.catchUpPageEntries.value,
      retainedMs,
      retryEveryMs: TUNABLES.catchUpRetryMs.value,
      retryForMs: TUNABLES.catchUpRetryForMs.value,
      subscribeWaitMs: options.subscribeWaitMs,
      quietMs: TUNABLES.subscriberQuietMs.value,
      // Each socket here may have missed some of them: its transport is closed, so it comes
      // back and either recovers what it missed from the stream or, past that, is not
      // recovered and catches up over REST (as after any long absence).
      onMissed: (why) => {
        const sockets = [...adapter.nsp.sockets.values()];
        for (const socket of sockets) socket.conn.close();
        options.onMissed?.(why, sockets.length);
      },
      wanted: (raw) => {
        // Its own entries it delivered when it made them (the adapter drops them too).
        if (raw.uid === adapter.uid) return false;
        if (raw.type !== '3') return true;
        try {
          // An event crossing encoded: only the options after its payload are parsed.
          const entry = preEncodedOf(raw);
          decodedAhead.set(raw, entry);
          const data: unknown = entry ? { opts: entry.opts } : JSON.parse(raw.data ?? '{}');
          const room = routedRoomOf({ type: 3, data });
          return room === undefined || adapter.rooms.has(room);
        } catch {
          // Not an entry any node writes: nothing in it to deliver.
          return false;
        }
      },
      deliver: (id, raw) => adapter.onRawMessage(raw, id),
    });
    channels.start().catch(() => undefined);

    const announcer = new Announcer(
      client,
      streamName,
      TUNABLES.streamMaxLength.value,
      TUNABLES.announceBatchMax.value,
    );
    // Redis away: the next round trims what this one could not.
    const trimming = setInterval(() => {
      trimStreamOlderThan(client, streamName, retainedMs).catch(() => {});
    }, trimEveryMs);
    trimming.unref();
    // Event packets this node encoded for Redis or read encoded from it (pre-encoded.ts):
    // what their sockets get is that encoding, with the recovery offset added.
    const encoded = new WeakMap<Packet, Encoded>();
    const orderOf = (packet: Packet): OrderKey | undefined => {
      const known = encoded.get(packet);
      return known ? known.order : newMessageOf(packet);
    };
    const entryOf = (message: ClusterMessage): RawEntry => {
      const data = message.type === 3 ? (message.data as BroadcastData) : undefined;
      const packet = data?.packet;
      if (!data || !packet || packet.type !== 2 || packet.id !== undefined) {
        return adapter.encode(message);
      }
      const payload = JSON.stringify(packet.data);
      const order = newMessageOf(packet);
      encoded.set(packet, { payload, count: packet.data.length, order });
      const nsp = adapter.nsp.name;
      return {
        uid: adapter.uid,
        nsp,
        type: '3',
        data: encodeEntry(nsp, payload, data.opts, order),
      };
    };
    const doPublish = adapter.doPublish.bind(adapter);
    adapter.doPublish = async (message) => {
      if (isEphemeral(message)) return doPublish(message);
      return announcer.append(channelOf(message), entryOf(message));
    };
    const encoding = adapter as unknown as Encoding;
    const stock = encoding.encoder;
    encoding.encoder = {
      encode: (packet: unknown) => {
        const known = encoded.get(packet as Packet);
        if (!known) return stock.encode(packet);
        const { data } = packet as Packet;
        return [eventFrame(adapter.nsp.name, known.payload, data.slice(known.count))];
      },
    };
    // A socket's join resolves once this node hears the room's channel: what is sent to
    // the room after the join answered reaches it.
    const addAll = adapter.addAll.bind(adapter);
    adapter.addAll = (id, joined) => {
      addAll(id, joined);
      const waits = [...joined].filter(isRoutedRoom).map((room) => channels.follow(room));
      if (waits.every((wait) => wait === undefined)) return;
      return Promise.all(waits).then(() => undefined);
    };
    adapter.on('delete-room', (room: string) => {
      if (isRoutedRoom(room)) channels.unfollow(room);
    });
    const close = adapter.close.bind(adapter);
    adapter.close = () => {
      clearInterval(trimming);
      close();
      markClosed();
      void channels.close();
    };
    const deliverHere = (packet: Packet, opts: BroadcastOptions) =>
      Adapter.prototype.broadcast.call(adapter, packet, opts);
    const order = new SeqOrder({
      holdMs: TUNABLES.orderHoldMs.value,
      fillGap: (chatId, afterSeq, beforeSeq) =>
        options.readGap({ chatId, afterSeq, beforeSeq }, (messages) => {
          for (const message of messages) {
            deliverHere(
              { type: 2, data: ['new-message', { message }], nsp: '/' },
              { rooms: new Set([rooms.chat(chatId)]), except: new Set() },
            );
          }
        }),
    });
    const ordered = new WeakSet<Packet>();

    // A node hears its own entries on the channels of rooms it has sockets in, which the
    // adapter would parse and then ignore: they are dropped before. Another node's event is
    // delivered as it came, encoded; anything else goes through the adapter.
    const onRawMessage = adapter.onRawMessage.bind(adapter);
    adapter.onRawMessage = (raw, offset) => {
      if (raw.uid === adapter.uid) return undefined;
      const entry = decodedAhead.has(raw) ? decodedAhead.get(raw) : preEncodedOf(raw);
      if (!entry) return onRawMessage(raw, offset);
      const packet: Packet = { type: 2, data: [], nsp: adapter.nsp.name };
      encoded.set(packet, { payload: entry.payload, count: 0, order: entry.order });
      const opts: BroadcastOptions = {
        rooms: new Set(entry.opts.rooms),
        except: new Set(entry.opts.except),
        ...(entry.opts.flags ? { flags: entry.opts.flags } : {}),
      };
      adapter.addOffsetIfNecessary(packet, opts, offset);
      return deliverHere(packet, opts);
    };

    const picking = adapter as unknown as SocketPicking;
    const apply = picking.apply.bind(adapter);
    picking.apply = (opts, callback) => {
      leaveOutNonViewers(adapter, opts);
      apply(opts, callback);
    };

    const addOffset = adapter.addOffsetIfNecessary.bind(adapter);
    adapter.addOffsetIfNecessary = (packet, opts, offset) => {
      addOffset(packet, opts, offset);
      const m = orderOf(packet);
      if (!m) return;
      ordered.add(packet);
      // A copy only for a delivery held for later (most go out now, with `opts` itself);
      // one released before offer returns goes out with `opts`, not yet pointed nowhere.
      let later: BroadcastOptions | undefined;
      const now = order.offer(m.chatId, m.seq, () => deliverHere(packet, later ?? opts));
      if (now) return;
      later = { ...opts, rooms: new Set(opts.rooms), except: new Set(opts.except) };
      opts.rooms = new Set([NOWHERE]);
    };

    // A broadcast Redis did not take is delivered here unordered (Redis is down: this
    // node's own messages are all its sockets get); the order still learns its seq.
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = async (packet, opts) => {
      await broadcast(packet, opts);
      const m = orderOf(packet);
      if (m && !ordered.has(packet)) order.delivered(m.chatId, m.seq);
    };
    // The adapter recovers a session by reading the stream from the client's offset to its
    // end, with no COUNT: up to the whole stream (20,000 entries, ~30 MB to decode) per
    // reconnect. Past the bound the client starts afresh and catches up over REST, as a
    // client away longer than the window does.
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      if (STREAM_ID.test(offset)) {
        const newer = await client.xRange(streamName, `(${offset}`, '+', {
          COUNT: options.recoveryMaxEntries + 1,
        });
        if ((newer?.length ?? 0) > options.recoveryMaxEntries) return NOT_RECOVERED;
      }
      return restore(pid, offset);
    };
    return adapter;
  };
}
