/**
 * Socket.io's packet encoder for a protocol whose events are JSON: the same text the stock
 * encoder writes for a packet without binary, without first walking every payload for
 * binary (`hasBinary`: 1–1.5% of a node's CPU at full load, on every emit). No event of
 * the protocol carries binary (files go over HTTP), so the walk never found any.
 *
 * It also keeps the last text it made with its packet, so that the recovery buffer
 * (bounded-recovery.ts) stores a broadcast's bytes without serialising it a second time.
 */
import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';

export interface Encoded {
  packet: Packet;
  text: string;
}

export class JsonEncoder extends Encoder {
  /** The latest packet encoded, and its text. */
  last: Encoded | undefined;

  override encode(packet: Packet): string[] {
    const text = textOf(packet);
    this.last = { packet, text };
    return [text];
  }
}

/** As socket.io-parser's encodeAsString for a packet without binary attachments. */
function textOf(packet: Packet): string {
  let text = `${packet.type}`;
  if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
  if (packet.id !== undefined && packet.id !== null) text += packet.id;
  if (packet.data !== undefined && packet.data !== null) text += JSON.stringify(packet.data);
  return text;
}

/** The Server's `parser` option: this encoder, Socket.io's own decoder. */
export const jsonParser = { Encoder: JsonEncoder, Decoder, PacketType };
