/**
 * Events cross nodes already encoded (src/cluster/pre-encoded.ts): the frame a node writes
 * for one it read from Redis is the one Socket.io's own encoder makes for the decoded
 * packet with its recovery offset; the entry stays JSON the Streams adapter's decoder
 * (session recovery) reads as before; and the payload is cut out by position, whatever
 * its text holds.
 */
import { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, eventFrame } from '../../src/cluster/pre-encoded.js';

const message = {
  _id: 'm1',
  chatId: 'c1',
  seq: 7,
  // What a payload may hold: the layout's own punctuation, quotes, newlines, non-ASCII.
  content: 'a "quote"}, "opts":{"rooms":["x"]}\n\\ привет 🙂 {"n":3,',
};
const data = ['new-message', { message }];
const opts = { rooms: ['chat-c1'], except: ['viewers-of-c1'], flags: { volatile: true } };
const order = { chatId: 'c1', seq: 7 };

describe('pre-encoded events between nodes', () => {
  it('cuts the payload, options and order back out of an entry', () => {
    const payload = JSON.stringify(data);
    const entry = decodeEntry('/', encodeEntry('/', payload, opts, order));
    expect(entry).toEqual({ payload, opts, order });
    expect(decodeEntry('/', encodeEntry('/', payload, opts, undefined))?.order).toBeUndefined();
  });

  it('keeps the entry the JSON the adapter decodes: the packet and its options', () => {
    const parsed = JSON.parse(encodeEntry('/', JSON.stringify(data), opts, order));
    expect(parsed.packet).toEqual({ type: 2, nsp: '/', data });
    expect(parsed.opts).toEqual(opts);
  });

  it("writes the frame Socket.io's encoder makes, the recovery offset appended", () => {
    // The server's own encoder: what it writes for any packet it encodes itself.
    const { encoder } = new Server();
    for (const nsp of ['/', '/admin']) {
      const payload = JSON.stringify(data);
      const offset = '1733450000000-3';
      const [expected] = encoder.encode({ type: 2, nsp, data: [...data, offset] });
      expect(eventFrame(nsp, payload, [offset])).toBe(expected);
      const [plain] = encoder.encode({ type: 2, nsp, data });
      expect(eventFrame(nsp, payload, [])).toBe(plain);
    }
  });

  it('leaves entries of another shape, or of another namespace, to the adapter', () => {
    expect(decodeEntry('/', JSON.stringify({ packet: { type: 2, data }, opts }))).toBeUndefined();
    expect(decodeEntry('/', undefined)).toBeUndefined();
    expect(decodeEntry('/other', encodeEntry('/', '["x"]', opts, undefined))).toBeUndefined();
  });
});
