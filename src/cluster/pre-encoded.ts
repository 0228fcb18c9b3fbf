/**
 * A broadcast's event travels between nodes already encoded as Socket.io will write it,
 * so neither node serialises its payload twice and the node that delivers it never parses
 * it. The Streams adapter would write `JSON.stringify({packet, opts})` to Redis, then each
 * node that delivers it would parse all of it and encode the packet again for its sockets
 * (and the sending node encodes it a second time for its own): for a message, the largest
 * share of what the cluster's JavaScript did per message beyond one node's.
 *
 * The entry stays the JSON the adapter reads (session recovery reads the stream with the
 * adapter's own decoder), laid out so that the payload can be cut out by position:
 *
 *   {"n":<payload length>,"packet":{"type":2,"nsp":<nsp>,"data":<payload>},"opts":…,"order":…}
 *
 * `order` is a `new-message`'s chat and seq, which the receiving node needs to keep each
 * chat's order without reading the payload.
 */

import type { BroadcastFlags } from 'socket.io-adapter';

/** What ordering needs of a `new-message`: its chat and seq. */
export interface OrderKey {
  chatId: string;
  seq: number;
}

/** A broadcast's options as the cluster adapter sends them (rooms and except as arrays). */
export interface WireOptions {
  rooms: string[];
  except: string[];
  flags?: BroadcastFlags | undefined;
}

/** An entry cut back into its parts: the payload still encoded. */
export interface PreEncodedEntry {
  /** `JSON.stringify(packet.data)`, as it went out. */
  payload: string;
  opts: WireOptions;
  order: OrderKey | undefined;
}

const HEAD = '{"n":';
const packetHead = (nsp: string) => `,"packet":{"type":2,"nsp":${JSON.stringify(nsp)},"data":`;

/** The entry's `data` for an event packet whose payload is already encoded. */
export function encodeEntry(
  nsp: string,
  payload: string,
  opts: WireOptions,
  order: OrderKey | undefined,
): string {
  const tail = order === undefined ? '' : `,"order":${JSON.stringify(order)}`;
  return `${HEAD}${payload.length}${packetHead(nsp)}${payload}},"opts":${JSON.stringify(opts)}${tail}}`;
}

/** The parts of an entry `encodeEntry` made; undefined for any other entry. */
export function decodeEntry(nsp: string, data: string | undefined): PreEncodedEntry | undefined {
  if (data === undefined || !data.startsWith(HEAD)) return undefined;
  const comma = data.indexOf(',', HEAD.length);
  const length = Number(data.slice(HEAD.length, comma));
  const head = packetHead(nsp);
  if (!Number.isInteger(length) || !data.startsWith(head, comma)) return undefined;
  const from = comma + head.length;
  const payload = data.slice(from, from + length);
  // What follows the payload: `},"opts":…}`, an object once the `},` is cut.
  const rest = JSON.parse(`{${data.slice(from + length + 2)}`) as {
    opts?: WireOptions;
    order?: OrderKey;
  };
  if (rest.opts === undefined) return undefined;
  return { payload, opts: rest.opts, order: rest.order };
}

/**
 * The packet as Socket.io's encoder writes it (`2` for an event, the namespace unless it is
 * the main one, then the data array), with `extra` (the recovery offset) appended to the
 * array as the adapter appends it to `packet.data`.
 */
export function eventFrame(nsp: string, payload: string, extra: readonly unknown[]): string {
  const prefix = nsp === '/' ? '2' : `2${nsp},`;
  if (extra.length === 0) return prefix + payload;
  const more = extra.map((value) => JSON.stringify(value)).join(',');
  return payload === '[]' ? `${prefix}[${more}]` : `${prefix}${payload.slice(0, -1)},${more}]`;
}
