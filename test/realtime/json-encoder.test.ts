import fc from 'fast-check';
import { Encoder, type Packet, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { JsonEncoder } from '../../src/realtime/json-encoder.js';

const packets: fc.Arbitrary<Packet> = fc.record(
  {
    type: fc.constantFrom(
      PacketType.CONNECT,
      PacketType.DISCONNECT,
      PacketType.EVENT,
      PacketType.ACK,
      PacketType.CONNECT_ERROR,
    ),
    nsp: fc.constantFrom('/', '/admin', ''),
    id: fc.nat(),
    data: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue())),
  },
  { requiredKeys: ['type', 'nsp'] },
);

describe('the JSON-only packet encoder', () => {
  it('writes the text Socket.io’s own encoder writes for any packet without binary', () => {
    const stock = new Encoder();
    const ours = new JsonEncoder();
    fc.assert(
      fc.property(packets, (packet) => {
        expect(ours.encode(packet)).toEqual(stock.encode(packet));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the last packet it encoded with its text', () => {
    const encoder = new JsonEncoder();
    const packet: Packet = { type: PacketType.EVENT, nsp: '/', data: ['new-message', { a: 1 }] };
    const [text] = encoder.encode(packet);
    expect(encoder.last?.packet).toBe(packet);
    expect(encoder.last?.text).toBe(text);
    expect(text).toBe('2["new-message",{"a":1}]');
  });
});
